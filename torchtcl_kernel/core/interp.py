"""TorchTcl: one tkinter Tcl interpreter with the whole torch:: command set registered."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import tkinter
from collections.abc import Callable
from typing import Any

import torch

from . import _tclbridge, dispatch, stdin
from .cancel import SIGINT_RELAY, Canceller
from .errors import CommandError, TorchTclError, TorchTclExit
from .handles import HandleStore
from .modes import Modes
from .reclaim import Reclaimer
from .registry import REGISTRY
from .telemetry import Telemetry

_EVENTS: Any = object()     # what serve_events evaluates: Tcl's pending events, not a script
PACKAGE_VERSION = "2.0.0"   # the C++ extension's version that scripts may `package require`


# A child interpreter has Tcl's own `exit`, which ends the process. Each one made (by `interp
# create`, here or in a child, at any depth) gets ours instead, hidden one included: an execution
# trace on `interp` sees each creation.
CHILD_EXIT_TCL = r"""
proc ::torchtcl::child_made {parent command code result op} {
    set sub [lindex $command 1]
    if {$code != 0 || [string length $sub] < 2 || ![string equal -length [string length $sub] \
            $sub create]} return
    ::torchtcl::guard [list {*}$parent {*}$result]
}
proc ::torchtcl::guard {path} {
    catch {interp expose $path exit}
    interp alias $path exit {} ::exit
    interp alias $path ::torchtcl_child_made {} ::torchtcl::child_made $path
    interp eval $path {trace add execution interp leave ::torchtcl_child_made}
}
trace add execution ::interp leave {::torchtcl::child_made {}}
"""


class TorchTcl:
    """A Tcl interpreter that speaks torch::. `eval` runs Tcl; `tensor`/`put` cross to Python.

    `close()` (or leaving a `with TorchTcl() as tcl:` block) frees it and everything it holds."""

    closed = False
    _passing = None          # the value setvar hands to Tcl

    def __init__(self, stdout: Callable[[str], object] | None = None,
                 stderr: Callable[[str], object] | None = None) -> None:
        _bury_orphans()
        self._thread = threading.get_ident()
        self._tcl = tkinter.Tcl()
        self.tk = self._tcl.tk
        self.store = HandleStore()
        self.write_stdout = stdout or (lambda s: sys.stdout.write(s))
        self.write_stderr = stderr or (lambda s: sys.stderr.write(s))
        self.exit_handler = self._default_exit   # called by `exit` before the evaluation unwinds
        self.stdin: stdin.StdinLines | None = None      # see read_stdin_from
        self._exit_code: int | None = None       # set by `exit` until eval reports it
        self.flush_output = lambda channel: getattr(sys, channel).flush()
        self.modes = Modes()
        self.telemetry = Telemetry()
        # Views a frontend may install (the kernel's live dashboard, the LR explorer widget);
        # the commands that use them work without (a CLI run saves PNG/CSV instead).
        self.dashboard = None
        self.explorer = None
        self.amp_explorer = None
        # What command families hold outside the interpreter and must end with it (a running
        # profiler), by name (setting one again replaces it): called first thing in close().
        self.on_close: dict[str, Callable[[], object]] = {}
        self.canceller = Canceller(self.tk)
        self.depth = 0                      # evaluations in progress (nested ones count too)
        self.tk.eval("namespace eval ::torch {}; namespace eval ::torchtcl {}")
        converters: dict = {}
        fast_path = dispatch.fast_paths_wanted()
        for cmd in REGISTRY.values():
            for name in cmd.names:
                dispatch.register(self, cmd, name, converters, fast_path)
        self.tk.eval(f"package provide torch {PACKAGE_VERSION}")
        # tclsh's variables, for a session started without arguments (tkinter sets argv0 "tk"
        # and no argv): a script that reads $argc runs in a notebook. The CLI sets its own.
        self.tk.eval("set ::argv0 torchtcl; set ::argv {}; set ::argc 0")
        self._install_builtins()
        self.reclaimer = Reclaimer(self)

    # --- Python side ------------------------------------------------------------------------
    def eval(self, script: str) -> str:
        """Evaluate a Tcl script; a Tcl error comes out as TorchTclError, `exit` as TorchTclExit.

        PyTorch's thread-local modes (grad, autocast) are the interpreter's own for the duration.
        Handles named in the result are kept for good: the caller may hold on to their names.
        """
        if self.closed:
            raise _closed()
        outermost = not self.depth
        window = contextlib.nullcontext()
        if outermost:
            self._exit_code = None           # (exit) left by an evaluation that ended otherwise
            evaluation = self.canceller.begin()   # (interrupt) settles a request left before
            window = SIGINT_RELAY.opened(self.canceller, evaluation)    # Ctrl-C stops it
        outer = self.modes.enter()
        self.depth += 1
        result = None
        nul = isinstance(script, str) and "\0" in script
        try:
            try:
                with window:
                    result = self._evaluate(script, nul)
            except UnicodeEncodeError as e:  # a lone surrogate: the one text Tcl cannot hold
                raise TorchTclError(
                    f"the script holds U+{ord(e.object[e.start]):04X} at character {e.start}, "
                    "a lone surrogate, which Tcl cannot represent", "TORCHTCL ENCODING") from None
            finally:
                if outermost:
                    # From here on no interrupt can reach Tcl. One that came in as the script
                    # ended is dropped, unless it is what ended it (a Tcl error, seen below), so
                    # that the Tcl run below (reclaimer and exit bookkeeping) is not cancelled.
                    self.canceller.end()
                    if (self.canceller.requested and self._exit_code is None
                            and sys.exc_info()[0] is not tkinter.TclError):
                        self.canceller.settle()
            self._exited(outermost)          # (exit) `catch {exit}` as the script's last command
            return result
        except tkinter.TclError as e:
            self._exited(outermost)          # (exit) before "interrupted": exit unwinds likewise
            if self.canceller.requested:
                by_sigint = self.canceller.by_sigint
                if outermost:                # (a nested one leaves it: the Tcl around unwinds)
                    self.canceller.settle()
                if by_sigint:                # Ctrl-C: what Python code expects of it
                    SIGINT_RELAY.raised()
                    raise KeyboardInterrupt from None
                raise TorchTclError("interrupted", "TORCHTCL INTERRUPT", "interrupted") from None
            info = self.tk.eval("set ::errorInfo")
            code = self.tk.eval("set ::errorCode")
            cut = info.rfind('\n    ("eval" body line ') if nul else -1
            if cut >= 0 and "::torchtcl::_nul_script" in info[cut:]:
                info = info[:cut]            # (NUL) not the frames of the `eval` that ran it
                self.tk.globalsetvar("errorInfo", info)
            raise TorchTclError(str(e), code, info) from None
        finally:
            self.depth -= 1
            self.modes.leave(outer)
            self.reclaimer.evaluation_ended(result, outermost)

    def serve_events(self) -> None:
        """Run what Tcl's pending events run (an `after` script, a fileevent; at most 1000 events),
        as an evaluation: an interrupt or Ctrl-C stops it and `exit` in it raises TorchTclExit,
        as in eval. For a frontend waiting for input, as tclsh serves events at its prompt."""
        self.eval(_EVENTS)

    def _evaluate(self, script, nul):
        if script is _EVENTS:
            return _tclbridge.serve_events(self.tk.interpaddr())
        if nul:
            # tkinter's eval takes a C string, but Tcl holds NULs in values: the script goes in
            # as a value, through a variable that is gone once it starts. As UTF-8 bytes:
            # tkinter would pass an ASCII str's NULs as raw 0 bytes, which Tcl's C-string results
            # then cut short; decoding makes them Tcl's own NULs.
            self.tk.globalsetvar("::torchtcl::_nul_script", script.encode("utf-8"))
            return self.tk.eval("::eval [encoding convertfrom utf-8 "
                                "[set ::torchtcl::_nul_script]][unset ::torchtcl::_nul_script]")
        return self.tk.eval(script)

    def close(self) -> None:
        """Free the interpreter: delete the commands it made (they hold it, its store and thus
        every tensor, from C), then every handle. Like tkinter's `destroy`. Afterwards `eval`,
        `put` and `tensor` fail; closing again does nothing. Not from inside an evaluation."""
        if self.closed:
            return
        if self.depth:
            raise TorchTclError("cannot close the interpreter while it evaluates a script",
                                "TORCHTCL BUSY")
        while self.on_close:                 # (one that fails leaves the interpreter open)
            self.on_close.popitem()[1]()
        self.closed = True
        try:
            dispatch.delete_commands(self)
        except BaseException:
            self.closed = False           # e.g. called from another thread: nothing was deleted
            raise
        store = self.store
        store.drain()                     # releases Tcl noted before (they borrow handles)
        store.discard(list(store.handles))
        store.drain()
        self.dashboard = self.explorer = self.amp_explorer = None

    def __del__(self):
        # A Tcl interpreter may only be deleted in its own thread (Tcl aborts the process
        # otherwise), but Python's collector may drop an unclosed TorchTcl in any thread: there
        # its Tcl side is kept, and deleted by the next TorchTcl made in the owning thread.
        tk = getattr(self, "tk", None)
        if tk is not None and threading.get_ident() != self._thread:
            _ORPHANS.append((self._thread, tk))

    def __enter__(self) -> TorchTcl:
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def interrupt(self, evaluation: int | None = None) -> bool:
        """Stop the running evaluation (from any thread); it fails with "interrupted". The
        interpreter, its variables and handles stay as they are. Does nothing when idle.

        `evaluation` (a number from `canceller.current()`, which any thread may ask) makes it stop
        that evaluation only: when it has ended already, nothing happens, whatever runs now.
        Whether a stop was requested."""
        if evaluation is not None:
            return self.canceller.cancel(evaluation)
        if self.depth:
            return self.canceller.cancel()
        return False

    def tensor(self, handle: str) -> torch.Tensor:
        """The torch.Tensor behind a tensor handle (the same object, not a copy)."""
        if self.closed:
            raise _closed()
        try:
            return self.store.get(handle, "tensor")
        except CommandError as e:
            raise TorchTclError(e.message, f"TORCH {e.code}") from None

    def put(self, obj: Any, prefix: str | None = None) -> str:
        """Store a tensor (or module, optimizer, ...) and return its new handle. Handles put from
        Python are never reclaimed automatically (Python code may hold the name)."""
        if self.closed:
            raise _closed()
        return self.store.put(obj, prefix=prefix)

    # --- Tcl side ---------------------------------------------------------------------------
    def to_tcl(self, value: Any) -> Any:
        """A command's result as Tcl sees it, for what the C side does not convert by itself
        (strings, numbers, handles, torch.Tensor and tuples/lists of those): objects become
        handles, dicts flat lists, anything else its text."""
        if isinstance(value, str):
            return str(value)
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, (list, tuple)):
            return tuple(value)
        if isinstance(value, dict):
            return tuple(w for k, v in value.items() for w in (str(k), v))
        return self.store.new(value)

    def setvar(self, name: str, value: Any) -> None:
        """Set the global Tcl variable `name` to a Python value, converted as python_value says
        (TorchTclError if it does not convert, naming `name` and the part that does not). The
        handles it makes are Tcl values like a command's results: freed once nothing holds
        them, where `put`'s are kept for good."""
        if self.closed:
            raise _closed()
        self._passing = python_value(value, name, self.store)
        try:
            # Through a command of ours: its result goes through the C side's conversion, which
            # makes a tensor a handle value that Tcl's reference counts keep (see _tclbridge.c).
            self.tk.call("::torchtcl::_setvar", name)
        except tkinter.TclError as e:         # e.g. an array of that name
            raise TorchTclError(str(e), self.tk.eval("set ::errorCode")) from None
        finally:
            self._passing = None

    def _passed(self):
        return self._passing

    def add_command(self, name: str, func: Callable[..., Any]) -> None:
        """Register a plain Tcl command (not a torch:: one): its Python errors become Tcl errors.
        Frontends add their own commands this way, never with tkinter's createcommand (see
        _tclbridge.c)."""
        if self.closed:
            raise _closed()
        dispatch.create(self, name, func)

    def _install_builtins(self):
        """puts to stdout/stderr goes through Python (a kernel can see it); exit ends the
        evaluation and lets the caller decide what ending means (see _exit)."""
        # (tkinter already deleted Tcl's own exit, which would end the process mid-buffer.)
        self.tk.eval("rename ::puts ::torchtcl::_puts; rename ::load ::torchtcl::_load;"
                     "rename ::flush ::torchtcl::_flush")
        self.add_command("::puts", self._puts)
        self.add_command("::flush", self._flush)
        self.add_command("::exit", self._exit)
        self.add_command("::load", self._load)
        self.add_command("::torchtcl::_passing", self._passed)
        self.tk.eval(CHILD_EXIT_TCL)
        # (in the global scope, as tkinter's `set` would; Tcl's own error names `name`)
        self.tk.eval("proc ::torchtcl::_setvar {name} "
                     "{uplevel #0 [list set $name [::torchtcl::_passing]]}")

    def read_stdin_from(self, reader: Callable[[], str]) -> None:
        """From now on `gets stdin` takes its lines from reader(), which returns the text the
        user typed or raises EOFError: for a frontend whose process has no terminal (stdin.py)."""
        if self.stdin is None:
            self.tk.eval(stdin.GETS_TCL)
        self.stdin = stdin.StdinLines(reader)
        self.add_command("::torchtcl::_stdin_line", self.stdin.next_line)

    def _own(self, name, *args):
        """Tcl's own command `name` (renamed ::torchtcl::_name), its usage errors naming `name`
        as tclsh's do."""
        try:
            return self.tk.call(f"::torchtcl::_{name}", *args)
        except tkinter.TclError as e:
            renamed = f'wrong # args: should be "::torchtcl::_{name}'
            if not str(e).startswith(renamed):
                raise
            raise tkinter.TclError(f'wrong # args: should be "{name}{str(e)[len(renamed):]}') \
                from None

    def _puts(self, *args):
        words = list(args)
        newline = True
        if len(words) in (2, 3) and words[0] == "-nonewline":
            newline = False
            words.pop(0)
        if len(words) == 1:
            channel, text = "stdout", words[0]
        elif len(words) == 2:
            channel, text = words
        else:
            return self._own("puts", *args)
        if channel == "stdout":
            self.write_stdout(text + "\n" if newline else text)
        elif channel == "stderr":
            self.write_stderr(text + "\n" if newline else text)
        else:
            return self._own("puts", *args)
        return ""

    def _flush(self, *args):
        # stdout/stderr output went to Python's streams, so that is what must be flushed
        if len(args) == 1 and args[0] in ("stdout", "stderr"):
            self.flush_output(args[0])
        return self._own("flush", *args)

    def _exit(self, *args):
        if len(args) > 1:
            raise CommandError('wrong # args: should be "exit ?returnCode?"', "USAGE")
        code = self.tk.getint(args[0]) if args else 0
        if self.depth:
            # An error alone would stop at the first `catch`. Note the code and unwind the whole
            # evaluation (Tcl's cancel passes through catch); eval then raises TorchTclExit.
            self._exit_code = code
            try:
                self.exit_handler(code)
            finally:
                self.canceller.cancel()
        raise CommandError(f"exit {code}", "EXIT")

    def _default_exit(self, code):
        # What the script wrote reaches its destination before the caller acts on the exit, as
        # when tclsh exits (files it left open included). Runs before the unwind starts.
        for channel in ("stdout", "stderr"):
            self.flush_output(channel)
        self.tk.eval("foreach ch [chan names] {catch {::torchtcl::_flush $ch}}")

    def _exited(self, outermost):
        """After `exit`: report it once the evaluation has unwound. Only the outermost evaluation
        ends the unwind, so that the Tcl around a nested one unwinds too."""
        code = self._exit_code
        if code is None:
            return
        if outermost:
            self._exit_code = None
            self.canceller.settle()
        raise TorchTclExit(code) from None

    def _load(self, *args):
        # Scripts written for the C++ extension begin by loading its shared library; here the
        # commands are already present, so loading that library is a no-op.
        if args and "torch" in os.path.basename(args[0]).lower() and not os.path.exists(args[0]):
            return ""
        return self._own("load", *args)


# --- Python values into Tcl --------------------------------------------------------------------
VALUE_KINDS = ("torch tensors, numpy arrays, torch:: objects (modules, optimizers, ...), int, "
               "float, bool, str, and lists, tuples and dicts of those")
MAX_DEPTH = 64          # as deep as the C side converts (and no endless walk of a cyclic list)


def python_value(value: Any, name: str, store: HandleStore, depth: int = 0) -> Any:
    """A Python value as Tcl gets it (TorchTcl.setvar), or TorchTclError naming `name`, the part
    of it (name[0]['k']) that does not convert and its type:

    torch.Tensor        a tensor handle (the same tensor, no copy)
    numpy.ndarray       a tensor handle; torch.from_numpy shares its memory (a read-only array,
                        or one torch cannot share, e.g. negative strides, is copied)
    torch:: object      a handle of its kind (nn.Module, optimizer, scheduler, ...)
    bool                1 or 0 (Tcl's true and false, as torch:: results give them)
    int, float          the number (numpy scalars too); str: the text
    list, tuple         a Tcl list, each element converted
    dict                a Tcl dict: keys (str, int, float, bool) as text, values converted
    """
    if isinstance(value, str):
        return value
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):   # (their subclasses too: an IntEnum is its number)
        return int(value) if isinstance(value, int) else float(value)
    numpy = sys.modules.get("numpy")     # (torch may run without numpy: then nothing is one)
    if numpy is not None and isinstance(value, numpy.generic):
        if isinstance(value, (numpy.bool_, numpy.number)):
            return python_value(value.item(), name, store, depth)
    elif numpy is not None and isinstance(value, numpy.ndarray):
        # torch shares no read-only array (a tensor could write it) nor negative strides
        shared = value.flags.writeable and all(stride >= 0 for stride in value.strides)
        try:
            return torch.from_numpy(value if shared else value.copy())
        except (TypeError, ValueError) as e:       # a dtype torch has not (object, float128)
            raise _not_convertible(name, value, f"torch makes no tensor of it: {e}") from None
    if depth >= MAX_DEPTH and isinstance(value, (list, tuple, dict)):
        raise _not_convertible(name.split("[", 1)[0], value,
                               f"nested more than {MAX_DEPTH} deep (a list that holds itself?)")
    if isinstance(value, (list, tuple)):
        return tuple(python_value(v, f"{name}[{i}]", store, depth + 1)
                     for i, v in enumerate(value))
    if isinstance(value, dict):
        words = []
        for key, v in value.items():
            path = f"{name}[{key!r}]"
            if not isinstance(key, (str, int, float)):
                raise _not_convertible(f"{name}'s key {key!r}", key,
                                       "a Tcl dict's keys come from str or numbers")
            words += [python_value(key, path, store, depth + 1),
                      python_value(v, path, store, depth + 1)]
        return tuple(words)
    try:
        return store.new(value)          # a torch:: kind: a module, an optimizer, ...
    except TypeError:
        raise _not_convertible(name, value, f"Tcl takes {VALUE_KINDS}") from None


def _not_convertible(what, value, why):
    cls = type(value)
    kind = cls.__name__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    return TorchTclError(f"cannot pass {what} ({kind}) to Tcl: {why}", "TORCHTCL VALUE")


_ORPHANS: list[tuple[int, Any]] = []   # (thread id, tkapp) of interpreters collected elsewhere


def _bury_orphans():
    here = threading.get_ident()
    mine = [entry for entry in _ORPHANS if entry[0] == here]
    for entry in mine:
        _ORPHANS.remove(entry)


def _closed():
    return TorchTclError("this interpreter is closed (TorchTcl.close)", "TORCHTCL CLOSED")
