"""From a command's declaration to the Tcl command that runs it.

Every call can take the general path: `Command.parse` reads positional words and options, checks
them and words every error. Most calls in a loop are plain positional words, though, and those
take a fast path in C (_tclbridge.c) built from the same declaration (`Command.fast`, and
`Command.fast_options` for `-option value` pairs after them): each word is converted by its
parameter's type (`Type.fast_spec`: a handle argument is a pointer in its Tcl value, no lookup at
all) and the command's function is called positionally with the remaining defaults. A word the
fast path cannot read (an unknown option, a number where a handle is expected, a required
parameter not given, anything wrong) sends the call to the general path instead, which says what
is wrong; the function itself runs once, whatever it raises.

TORCHTCL_FAST=0 in the environment, read as an interpreter starts, gives that interpreter's
commands no fast path: a diagnostic (does a difference come from the C fast path?), and what
the tests compare the fast path against.
"""

import os
import tkinter
import weakref

from . import _tclbridge
from .errors import CommandError, tcl_wording
from .registry import REQUIRED


def torch_message(exc):
    """A Python exception's text as a Tcl message (errors.tcl_wording)."""
    return tcl_wording(exc)[0]


def _info(original):
    """errorInfo's line for a reworded message: the original text, under the message."""
    return "\n    (" + original.replace("\0", " ") + ")"


def command_error(cmd):
    """How a Python exception out of `cmd` reads as a Tcl error: (message, errorCode), and the
    original text for errorInfo where the message rewords it."""
    def on_error(e):
        if isinstance(e, CommandError):
            return cmd.prefix + e.message, ("TORCH", e.code, cmd.name)
        if isinstance(e, KeyboardInterrupt):
            return "interrupted", ("TORCHTCL", "INTERRUPT")
        if isinstance(e, tkinter.TclError):      # a script it ran failed: Tcl's own message
            return cmd.prefix + str(e), ("TORCH", "RUNTIME", cmd.name)
        message, code, original = tcl_wording(e)
        return cmd.prefix + message, ("TORCH", code, cmd.name), original and _info(original)
    return on_error


def plain_error(e):
    """The same for the interpreter's plain (non torch::) commands."""
    if isinstance(e, tkinter.TclError):
        return str(e), ("TCL", "ERROR")
    if isinstance(e, CommandError):
        return e.message, ("TORCHTCL", e.code)
    if isinstance(e, KeyboardInterrupt):
        return "interrupted", ("TORCHTCL", "INTERRUPT")
    message, code, original = tcl_wording(e)
    return (message, ("TORCHTCL", "ERROR" if code == "RUNTIME" else code),
            original and _info(original))


# A command's data belongs to Tcl (C), where Python's collector cannot see it: a reference from
# there to the interpreter's Python side (which owns the Tcl interpreter) would make a cycle that
# is never collected. So commands hold the interpreter weakly: `_weak(ctx)` is what they pass on
# as ctx, and methods of the interpreter or of what it holds are called through a weak reference.

def _weak(ctx):
    return ctx if isinstance(ctx, weakref.ProxyTypes) else weakref.proxy(ctx)


def _weak_method(method):
    ref = weakref.WeakMethod(method)

    def call(*words):
        bound = ref()
        if bound is None:
            raise CommandError("this interpreter is closed", "CLOSED")
        return bound(*words)
    return call


def _part_of(owner, ctx):
    """Whether `owner` is the interpreter or one of its attributes: the interpreter keeps those
    alive itself, so a command may hold them weakly."""
    if owner is None or isinstance(owner, type):
        return False
    return owner is ctx or any(v is owner for v in ctx.__dict__.values())


def create(ctx, name, func, on_error=plain_error, fast=None):
    """A Tcl command `name` in the interpreter `ctx` that calls func(*words)."""
    if _part_of(getattr(func, "__self__", None), ctx):
        func = _weak_method(func)
    _tclbridge.create_command(ctx.tk.interpaddr(), name, func, on_error,
                              _weak_method(ctx.to_tcl), ctx.store, fast)


def delete_commands(ctx):
    """Delete every command `create` made in ctx's interpreter, under whatever name it has now (a
    script may have renamed it): each holds the interpreter's store, and so every tensor."""
    _tclbridge.delete_commands(ctx.tk.interpaddr())


def fast_paths_wanted():
    """Whether interpreters starting now give their commands the fast path (TORCHTCL_FAST)."""
    return os.environ.get("TORCHTCL_FAST") != "0"


def register(ctx, cmd, invoked, converters, fast_path=True):
    """Create `::torch::<invoked>` (its snake_case or camelCase name) for the command `cmd`.
    `converters`: a dict shared by the commands of one interpreter, so that its fast-path
    converters are made once per type, not once per parameter (an interpreter's start then
    allocates little, which keeps Python's collector from scanning all of torch as commands are
    added)."""
    parse, func = cmd.parse, cmd.func
    owner, ctx = ctx, _weak(ctx)

    if cmd.passes_ctx:
        def general(*words):
            return func(ctx, **parse(ctx, words, invoked))
    else:
        def general(*words):
            return func(**parse(ctx, words, invoked))

    fast = None
    if cmd.fast is not None and fast_path:
        # with options, every parameter's conversion (an option may name any of them)
        read = cmd.params if cmd.fast_options is not None else cmd.fast
        spec = tuple(_spec(ctx, p, converters) for p in read)
        fast = (func, ctx if cmd.passes_ctx else None, cmd.fast_min, spec, cmd.defaults,
                cmd.compiled_reads, len(cmd.fast), cmd.fast_options, REQUIRED,
                (cmd.direct, cmd.n_direct) if cmd.direct else None, cmd.fast_variadic)
    create(owner, f"::torch::{invoked}", general, command_error(cmd), fast)


def _spec(ctx, p, made):
    key = p.type, p.check
    if key not in made:
        made[key] = _make_spec(ctx, p)
    return made[key]


def _make_spec(ctx, p):
    if p.check is None:
        return p.type.fast_spec(ctx)
    convert, check = p.type.fast(ctx), p.check

    def checked(word):
        value = convert(word)
        if not check(value):
            raise ValueError(word)       # the general path words the check's error
        return value
    return None, checked
