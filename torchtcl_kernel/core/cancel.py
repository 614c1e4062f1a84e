"""Stopping a running evaluation from another thread, even a pure-Tcl `while 1 {}`.

A Python signal handler cannot do it: while Tcl loops, no Python code runs. Tcl 8.6 can cancel an
evaluation from any thread (Tcl_CancelEval). With TCL_CANCEL_UNWIND the whole evaluation stack
unwinds, through any `catch`. The cancelled state then stays on the interpreter until it is reset,
which only Tcl's internal TclResetCancellation does (exported by libtcl, used by its own
`interp cancel` machinery); `settle` calls it once the evaluation has stopped.

A request from another thread names the evaluation it is for (`begin` numbers the outermost
ones): it is dropped when that one has ended, so that it can never stop the next one.
"""

import ctypes
import ctypes.util
import os
import threading
import tkinter

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

    def cancel(self, evaluation=None):
        """Ask the running evaluation to unwind (callable from any thread). With `evaluation`,
        only if that one is still running. Whether the request was made."""
        with self._lock:
            if evaluation is not None and not (self.running and evaluation == self.evaluation):
                return False
            if not self.available:
                return False
            self.requested = True
            self._cancel(self._interp, None, None, TCL_CANCEL_UNWIND)
            return True

    def settle(self):
        """In the interpreter's thread, with no evaluation running: clear a cancel request."""
        if self.requested:
            self.requested = False
            try:               # a request made while idle is delivered at the next safe point
                self._tk.eval("list")
            except tkinter.TclError:
                pass
            self._reset(self._interp, 1)


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
        if name == _EVAL and code.co_name == "eval":
            return inside
        if name in _BOOKKEEPING or name.startswith(also) or name.startswith("<frozen"):
            return False
        inside = True
        frame = frame.f_back
    return False
