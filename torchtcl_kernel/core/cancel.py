"""Stopping a running evaluation from another thread, even a pure-Tcl `while 1 {}`.

A Python signal handler cannot do it: while Tcl loops, no Python code runs. Tcl 8.6 can cancel an
evaluation from any thread (Tcl_CancelEval). With TCL_CANCEL_UNWIND the whole evaluation stack
unwinds, through any `catch`. The cancelled state then stays on the interpreter until it is reset,
which only Tcl's internal TclResetCancellation does (exported by libtcl, used by its own
`interp cancel` machinery); `settle` calls it once the evaluation has stopped.

A request from another thread names the evaluation it is for (`begin` numbers the outermost
ones): it is dropped when that one has ended, so that it can never stop the next one.

Ctrl-C (SIGINT) stops the evaluations running in the main thread by the same means (SigintRelay),
and they then raise KeyboardInterrupt rather than an "interrupted" error.
"""

import _thread
import ctypes
import ctypes.util
import os
import signal
import struct
import threading
import time
import tkinter

from . import _tclbridge

TCL_CANCEL_UNWIND = 0x100000


def _libtcl():
    try:
        with open("/proc/self/maps") as maps:
            for line in maps:
                if "libtcl8" in line:
                    return ctypes.CDLL(line.split()[-1])
    except OSError:
        pass
    name = ctypes.util.find_library("tcl8.6")
    return ctypes.CDLL(name) if name else None


class Canceller:
    def __init__(self, tk):
        self._tk = tk
        self._interp = tk.interpaddr()
        self.requested = False
        self.by_sigint = False       # the request came from Ctrl-C (eval raises KeyboardInterrupt)
        self.evaluation = 0          # outermost evaluations begun so far (the running one's number)
        self.running = False         # whether the outermost evaluation `evaluation` still runs
        # begin/end and a request for a given evaluation exclude each other. Reentrant: a signal
        # handler in the interpreter's thread may ask while that thread is inside begin/end.
        self._lock = threading.RLock()
        lib = _libtcl()
        self.available = bool(lib) and hasattr(lib, "TclResetCancellation")
        if self.available:
            self._cancel = lib.Tcl_CancelEval
            self._cancel.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                     ctypes.c_int]
            self._reset = lib.TclResetCancellation
            self._reset.argtypes = [ctypes.c_void_p, ctypes.c_int]

    def begin(self):
        """In the interpreter's thread, as an outermost evaluation starts: its number."""
        with self._lock:
            self.settle()
            self.evaluation += 1
            self.running = True
            return self.evaluation

    def end(self):
        """In the interpreter's thread, as soon as the outermost evaluation's Tcl has returned:
        no request for it can come in after this."""
        with self._lock:
            self.running = False

    def current(self):
        """The number of the outermost evaluation running now, or None."""
        with self._lock:
            return self.evaluation if self.running else None

    def cancel(self, evaluation=None, by_sigint=False):
        """Ask the running evaluation to unwind (callable from any thread). With `evaluation`,
        only if that one is still running. Whether the request was made."""
        with self._lock:
            if evaluation is not None and not (self.running and evaluation == self.evaluation):
                return False
            if not self.available:
                return False
            self.requested = True
            self.by_sigint |= by_sigint
            self._cancel(self._interp, None, None, TCL_CANCEL_UNWIND)
            return True

    def settle(self):
        """In the interpreter's thread, with no evaluation running: clear a cancel request."""
        if self.requested:
            self.requested = self.by_sigint = False
            try:               # a request made while idle is delivered at the next safe point
                self._tk.eval("list")
            except tkinter.TclError:
                pass
            self._reset(self._interp, 1)


class SigintRelay:
    """Ctrl-C stops the evaluations running in the main thread, even a pure-Tcl loop.

    `opened(canceller, evaluation)` brackets an outermost evaluation of the main thread. While
    any is open, a SIGINT is also written to a pipe (by _tclbridge's C handler, which runs as the
    signal arrives and then chains to the one before it); a thread reading the pipe cancels the
    windows open when the signal came, by their evaluation numbers: never a later one.

    Python's own handler still runs, once Python does. Where it is Python's default (raise
    KeyboardInterrupt wherever Python is), it is replaced for the duration by one that raises only
    inside a command's own Python code (a long Python-side command stops at once); elsewhere,
    in the interpreter's bookkeeping, Tcl's unwind does the stopping. A frontend's own handler
    (the CLI's, the kernel's) is left in place. The interpreter then raises KeyboardInterrupt.
    """

    _RECORD = struct.Struct("q")       # a window number, as the C handler writes it

    def __init__(self):
        self._reset()

    def _reset(self):
        # Reentrant: our Python handler takes it, and may run again (a nudge, another Ctrl-C)
        # in the main thread while that is inside, between two of its bytecodes.
        self._lock = threading.RLock()
        self._windows: dict[int, tuple[Canceller, int]] = {}   # window number -> open one's
        self._stack: list[int] = []    # the open windows' numbers, innermost last
        self._serial = 0
        # the pipe's (read, write) ends (made, with its reading thread, on first use)
        self._fds: tuple[int, int] = (-1, -1)
        self._python_handler = None    # the Python-level handler replaced, if one was
        self._nudging = False
        self._raised = False           # a KeyboardInterrupt went up for the last Ctrl-C

    def opened(self, canceller, evaluation):
        """A context manager for the evaluation's duration (a no-op outside the main thread)."""
        return _Window(self, canceller, evaluation)

    def _open(self, canceller, evaluation):
        if threading.current_thread() is not threading.main_thread():
            return None
        if self._fds[0] < 0 and not self._start():
            return None      # no pipe or thread to spare: this evaluation runs without the relay
        with self._lock:
            self._serial += 1
            window = self._serial
            self._windows[window] = (canceller, evaluation)
        outermost = not self._stack
        if outermost and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            # Before the C handler: signal.signal installs Python's C handler over any other.
            signal.signal(signal.SIGINT, self._on_sigint)
            self._python_handler = signal.default_int_handler
        if not _tclbridge.sigint_relay(self._fds[1], window) and outermost:
            self._restore_python_handler()   # SIGINT ignored or left to the system: so be it
        self._stack.append(window)
        return window

    def _close(self, window):
        if window is None:
            return
        self._stack.remove(window)
        with self._lock:
            del self._windows[window]
        if self._stack:
            _tclbridge.sigint_relay(self._fds[1], self._stack[-1])
            return
        try:
            _tclbridge.sigint_relay(self._fds[1], 0)   # (runs pending Python-level handlers)
        finally:
            self._restore_python_handler()

    def _restore_python_handler(self):
        handler, self._python_handler = self._python_handler, None
        if handler is not None and signal.getsignal(signal.SIGINT) == self._on_sigint:
            signal.signal(signal.SIGINT, handler)

    def _cancel_up_to(self, window, fresh=False):
        """Cancel the windows open when a SIGINT came (numbered up to `window`). `fresh`: a new
        one, from the pipe (the Python handler also runs for the nudges)."""
        with self._lock:
            targets = [target for number, target in self._windows.items() if number <= window]
            if fresh:
                self._raised = False
            nudge = self._python_handler is not None and not self._nudging and targets
            self._nudging |= bool(nudge)
        for canceller, evaluation in targets:
            canceller.cancel(evaluation, by_sigint=True)
        if nudge:
            try:
                threading.Thread(target=self._nudge, args=(window,), daemon=True).start()
            except RuntimeError:        # no thread to spare: the one nudge of the relay's
                with self._lock:
                    self._nudging = False

    def raised(self):
        """A KeyboardInterrupt went up for the last Ctrl-C: no more nudges for it."""
        self._raised = True

    def _nudge(self, window):
        # Our handler declines where a KeyboardInterrupt could break the interpreter's state (its
        # bookkeeping, an import): a long Python-side command would run on. So call it again
        # until one is raised or the evaluation ends. Under the lock that _close takes: never
        # once that closed.
        try:
            while not self._raised:
                with self._lock:
                    if not any(number <= window for number in self._windows):
                        return
                    _thread.interrupt_main(signal.SIGINT)
                time.sleep(0.05)
        finally:
            with self._lock:
                self._nudging = False

    def _on_sigint(self, signum, frame):
        # In the main thread, once Python runs there: the relay's thread may not have run yet.
        self._cancel_up_to(self._serial)
        if not self._raised and in_command(frame):
            self.raised()
            raise KeyboardInterrupt

    def _start(self):
        """Make the pipe and its reading thread; False where the system has none to give (out of
        file descriptors or threads), to try again at the next evaluation."""
        try:
            fds = os.pipe()
        except OSError:
            return False
        try:
            os.set_blocking(fds[1], False)   # a full pipe drops a record (one Ctrl-C is enough)
            threading.Thread(target=self._relay, args=(fds[0],), name="torchtcl-sigint",
                             daemon=True).start()
        except RuntimeError:                 # "can't start new thread"
            for fd in fds:
                os.close(fd)
            return False
        self._fds = fds
        return True

    def _relay(self, read_end):
        size = self._RECORD.size
        while True:
            data = os.read(read_end, size)
            while len(data) < size:           # (records are written whole; read them whole)
                data += os.read(read_end, size - len(data))
            self._cancel_up_to(self._RECORD.unpack(data)[0], fresh=True)

    def _forked(self):
        # A child process has no reading thread (nor the parent's evaluations): SIGINT back to
        # the handler before ours, and a pipe and thread of its own when needed.
        if self._stack:
            _tclbridge.sigint_relay(-1, 0)
            self._restore_python_handler()
        self._reset()


class _Window:
    def __init__(self, relay, canceller, evaluation):
        self._args = relay, canceller, evaluation

    def __enter__(self):
        relay, canceller, evaluation = self._args
        self._window = relay._open(canceller, evaluation)

    def __exit__(self, *exc):
        self._args[0]._close(self._window)
        return False


SIGINT_RELAY = SigintRelay()
os.register_at_fork(after_in_child=SIGINT_RELAY._forked)


# Where a KeyboardInterrupt must not land: the interpreter's own bookkeeping (eval, the handle
# store, the reclaimer, the modes, this module). Tcl's unwind stops the evaluation there instead,
# at its next command.
_HERE = os.path.dirname(os.path.abspath(__file__))
_BOOKKEEPING = {os.path.join(_HERE, name)
                for name in ("interp.py", "handles.py", "reclaim.py", "modes.py", "cancel.py")}
_EVAL = os.path.join(_HERE, "interp.py")


def in_command(frame, also=()):
    """Whether `frame` runs a command's own Python code: something Tcl called from within
    TorchTcl.eval, with no bookkeeping frame (nor one from a file under the `also` prefixes) in
    between. A frontend's interrupt handler raises KeyboardInterrupt only there."""
    inside = False
    while frame is not None:
        code = frame.f_code
        name = code.co_filename
        if name == _EVAL and code.co_name in ("eval", "_evaluate"):   # (what calls Tcl)
            return inside
        if name in _BOOKKEEPING or name.startswith((*also, "<frozen")):
            return False
        inside = True
        frame = frame.f_back
    return False
