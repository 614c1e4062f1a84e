"""From a command's declaration to the Tcl command that runs it.

Every call can take the general path: `Command.parse` reads positional words and options, checks
them and words every error. Most calls in a loop are plain positional words, though, and those
take a fast path in C (_tclbridge.c) built from the same declaration (`Command.fast`): each word
is converted by its parameter's type (`Type.fast_spec`: a handle argument is a pointer in its Tcl
value, no lookup at all) and the command's function is called positionally with the remaining
defaults. A word the fast path cannot read (an option, a number where a handle is expected,
anything wrong) sends the call to the general path instead, which says what is wrong; the
function itself runs once, whatever it raises.
"""

import tkinter

from . import _tclbridge
from .errors import CommandError


def torch_message(exc):
    text = str(exc).strip() or type(exc).__name__
    # PyTorch appends C++ provenance to some messages; a Tcl user needs the first part only.
    return text.split("\n\nException raised from")[0].strip()


def command_error(cmd):
    """How a Python exception out of `cmd` reads as a Tcl error: (message, errorCode)."""
    def on_error(e):
        if isinstance(e, CommandError):
            return cmd.prefix + e.message, ("TORCH", e.code, cmd.name)
        if isinstance(e, KeyboardInterrupt):
            return "interrupted", ("TORCHTCL", "INTERRUPT")
        return cmd.prefix + torch_message(e), ("TORCH", "RUNTIME", cmd.name)
    return on_error


def plain_error(e):
    """The same for the interpreter's plain (non torch::) commands."""
    if isinstance(e, tkinter.TclError):
        return str(e), ("TCL", "ERROR")
    if isinstance(e, CommandError):
        return e.message, ("TORCHTCL", e.code)
    if isinstance(e, KeyboardInterrupt):
        return "interrupted", ("TORCHTCL", "INTERRUPT")
    return torch_message(e), ("TORCHTCL", "ERROR")


def create(ctx, name, func, on_error=plain_error, fast=None):
    """A Tcl command `name` in the interpreter `ctx` that calls func(*words)."""
    _tclbridge.create_command(ctx.tk.interpaddr(), name, func, on_error, ctx.to_tcl, ctx.store,
                              fast)


def register(ctx, cmd, invoked):
    """Create `::torch::<invoked>` (its snake_case or camelCase name) for the command `cmd`."""
    parse, func = cmd.parse, cmd.func

    if cmd.passes_ctx:
        def general(*words):
            return func(ctx, **parse(ctx, words, invoked))
    else:
        def general(*words):
            return func(**parse(ctx, words, invoked))

    fast = None
    if cmd.fast is not None:
        spec = tuple(_spec(ctx, p) for p in cmd.fast)
        fast = (func, ctx if cmd.passes_ctx else None, cmd.fast_min, spec,
                tuple(p.default for p in cmd.params))
    create(ctx, f"::torch::{invoked}", general, command_error(cmd), fast)


def _spec(ctx, p):
    if p.check is None:
        return p.type.fast_spec(ctx)
    convert, check = p.type.fast(ctx), p.check

    def checked(word):
        value = convert(word)
        if not check(value):
            raise ValueError(word)       # the general path words the check's error
        return value
    return None, checked
