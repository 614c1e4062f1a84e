"""Tcl functions that PyTorch calls (torch::grad, jacobian, vmap, ...).

A function word (torch::grad, jacobian, vmap, ...) is a Tcl command name (a proc), a lambda as
`apply` takes it ({args body ?namespace?}), or a module handle (its forward). PyTorch calls it
with tensors: each goes in as a new handle value and the result comes back the same way, as
values rather than names (see _tclbridge.c), so the handles are freed with the last Tcl value
holding them, unless the function turned a name into text (then they are kept, like any
escaped handle). Under torch.func the tensors are functorch's wrappers; commands take them
like any tensor.
"""

import threading
import tkinter

from .errors import CommandError
from .types import script_callback, split_list, tcl_list

HANDLE_VALUE = "torchtcl-handle"      # the Tcl type name of a handle value (_tclbridge.c)


class _InTransit(threading.local):
    """Per thread (an interpreter lives in one): what crosses into and out of a function."""

    def __init__(self):
        self.args = []        # arguments on their way into a function (calls nest)
        self.taken = []       # the tensor a result held, on its way back


_IN_TRANSIT = _InTransit()


def _give():
    return _IN_TRANSIT.args.pop()


def _take(tensor):
    _IN_TRANSIT.taken.append(tensor)
    return ""


def _not_a_tensor(*words):
    raise CommandError("not a tensor handle")


def _bridge(ctx):
    """The interpreter's two commands that carry tensors into and out of a function."""
    if not ctx.tk.call("info", "commands", "::torchtcl::fn_take"):
        from . import dispatch
        dispatch.create(ctx, "::torchtcl::fn_give", _give)
        dispatch.create(ctx, "::torchtcl::fn_take", _not_a_tensor,
                        fast=(_take, None, 1, (("tensor", None),), (None,)))


class TclFunction:
    """A Tcl command or lambda as a Python function of tensors (and numbers): returns the tensor
    its result names, or a tuple for a list of them. Its Tcl errors pass unchanged."""

    def __init__(self, ctx, word, is_lambda, label="-func"):
        self.ctx, self.word, self.label = ctx, word, label
        self.prefix = ("apply", word) if is_lambda else (word,)

    def __repr__(self):
        return f"<Tcl function {self.word}>"

    def __call__(self, *args):
        ctx = self.ctx
        _bridge(ctx)

        def run(*args):
            _IN_TRANSIT.args.append(args)
            values = ctx.tk.call("::torchtcl::fn_give")
            if isinstance(values, str):          # no arguments: the empty list
                values = split_list(ctx.tk, values)
            elif not isinstance(values, tuple):
                values = (values,)
            return ctx.tk.call(*self.prefix, *values)
        return script_callback(self.label, run, self._result)(*args)

    def _result(self, value):
        if isinstance(value, tuple):
            if not value:
                raise CommandError('expected a tensor handle or a list of them but got ""')
            return tuple(self._result(v) for v in value)
        if getattr(value, "typename", None) == HANDLE_VALUE:
            try:
                self.ctx.tk.call("::torchtcl::fn_take", value)
            except tkinter.TclError:
                raise CommandError(f"expected a tensor handle but got {value}") from None
            return _IN_TRANSIT.taken.pop()
        text = str(value)
        words = tcl_list(self.ctx, text)
        if len(words) == 1 and words[0] == text:
            handle = self.ctx.store.handles.get(text)
            if handle is None or handle.kind != "tensor":
                raise CommandError(f'expected a tensor handle but got "{text}"')
            return handle.obj
        return self._result(tuple(words))
