"""TorchTcl: one tkinter Tcl interpreter with the whole torch:: command set registered."""

import os
import sys
import tkinter

from .errors import CommandError, TorchTclError
from .handles import HandleStore
from .cancel import Canceller
from . import dispatch
from .modes import Modes
from .reclaim import Reclaimer
from .telemetry import Telemetry
from .registry import REGISTRY

PACKAGE_VERSION = "2.0.0"   # the C++ extension's version that scripts may `package require`


class TorchTcl:
    """A Tcl interpreter that speaks torch::. `eval` runs Tcl; `tensor`/`put` cross to Python."""

    def __init__(self, stdout=None, stderr=None):
        self._tcl = tkinter.Tcl()
        self.tk = self._tcl.tk
        self.store = HandleStore()
        self.write_stdout = stdout or (lambda s: sys.stdout.write(s))
        self.write_stderr = stderr or (lambda s: sys.stderr.write(s))
        self.exit_handler = self._default_exit
        self.flush_output = lambda channel: getattr(sys, channel).flush()
        self.modes = Modes()
        self.telemetry = Telemetry()
        # Views a frontend may install (the kernel's live dashboard, the LR explorer widget);
        # the commands that use them work without (a CLI run saves PNG/CSV instead).
        self.dashboard = None
        self.explorer = None
        self.canceller = Canceller(self.tk)
        self.depth = 0                      # evaluations in progress (nested ones count too)
        self.tk.eval("namespace eval ::torch {}; namespace eval ::torchtcl {}")
        for cmd in REGISTRY.values():
            for name in cmd.names:
                dispatch.register(self, cmd, name)
        self.tk.eval(f"package provide torch {PACKAGE_VERSION}")
        self._install_builtins()
        self.reclaimer = Reclaimer(self)

    # --- Python side ------------------------------------------------------------------------
    def eval(self, script):
        """Evaluate a Tcl script; a Tcl error comes out as TorchTclError.

        PyTorch's thread-local modes (grad, autocast) are the interpreter's own for the duration.
        Handles named in the result are kept for good: the caller may hold on to their names.
        """
        self.canceller.settle()
        outermost = not self.depth
        if outermost:
            self.reclaimer.loops.clear()     # loops of an earlier evaluation have all ended
        outer = self.modes.enter()
        self.depth += 1
        result = None
        try:
            result = self.tk.eval(script)
            return result
        except tkinter.TclError as e:
            if self.canceller.requested:
                self.canceller.settle()
                raise TorchTclError("interrupted", "TORCHTCL INTERRUPT", "interrupted") from None
            info = self.tk.eval("set ::errorInfo")
            code = self.tk.eval("set ::errorCode")
            raise TorchTclError(str(e), code, info) from None
        finally:
            self.depth -= 1
            self.modes.leave(outer)
            self.reclaimer.evaluation_ended(result, outermost)

    def interrupt(self):
        """Stop the running evaluation (from any thread); it fails with "interrupted". The
        interpreter, its variables and handles stay as they are. Does nothing when idle."""
        if self.depth:
            self.canceller.cancel()

    def tensor(self, handle):
        """The torch.Tensor behind a tensor handle (the same object, not a copy)."""
        try:
            return self.store.get(handle, "tensor")
        except CommandError as e:
            raise TorchTclError(e.message, f"TORCH {e.code}") from None

    def put(self, obj, prefix=None):
        """Store a tensor (or module, optimizer, ...) and return its new handle. Handles put from
        Python are never reclaimed automatically (Python code may hold the name)."""
        return self.store.put(obj, prefix=prefix)

    # --- Tcl side ---------------------------------------------------------------------------
    def to_tcl(self, value):
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

    def add_command(self, name, func):
        """Register a plain Tcl command (not a torch:: one): its Python errors become Tcl errors.
        Frontends add their own commands this way, never with tkinter's createcommand (see
        _tclbridge.c)."""
        dispatch.create(self, name, func)

    def _install_builtins(self):
        """puts to stdout/stderr goes through Python (a kernel can see it); exit is catchable."""
        # (tkinter already deleted Tcl's own exit, which would end the process mid-buffer.)
        self.tk.eval("rename ::puts ::torchtcl::_puts; rename ::load ::torchtcl::_load;"
                     "rename ::flush ::torchtcl::_flush")
        self.add_command("::puts", self._puts)
        self.add_command("::flush", self._flush)
        self.add_command("::exit", self._exit)
        self.add_command("::load", self._load)

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
            return self.tk.call("::torchtcl::_puts", *args)
        if channel == "stdout":
            self.write_stdout(text + "\n" if newline else text)
        elif channel == "stderr":
            self.write_stderr(text + "\n" if newline else text)
        else:
            return self.tk.call("::torchtcl::_puts", *args)
        return ""

    def _flush(self, *args):
        # stdout/stderr output went to Python's streams, so that is what must be flushed
        if len(args) == 1 and args[0] in ("stdout", "stderr"):
            self.flush_output(args[0])
        return self.tk.call("::torchtcl::_flush", *args)

    def _exit(self, *args):
        if len(args) > 1:
            raise CommandError('wrong # args: should be "exit ?returnCode?"', "USAGE")
        code = self.tk.getint(args[0]) if args else 0
        self.exit_handler(code)
        return ""

    def _default_exit(self, code):
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        self.tk.eval("foreach ch [chan names] {catch {flush $ch}}")
        os._exit(code)

    def _load(self, *args):
        # Scripts written for the C++ extension begin by loading its shared library; here the
        # commands are already present, so loading that library is a no-op.
        if args and "torch" in os.path.basename(args[0]).lower() and not os.path.exists(args[0]):
            return ""
        return self.tk.call("::torchtcl::_load", *args)
