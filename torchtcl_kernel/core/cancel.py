"""Stopping a running evaluation from another thread, even a pure-Tcl `while 1 {}`.

A Python signal handler cannot do it: while Tcl loops, no Python code runs. Tcl 8.6 can cancel an
evaluation from any thread (Tcl_CancelEval). With TCL_CANCEL_UNWIND the whole evaluation stack
unwinds, through any `catch`. The cancelled state then stays on the interpreter until it is reset,
which only Tcl's internal TclResetCancellation does (exported by libtcl, used by its own
`interp cancel` machinery); `settle` calls it once the evaluation has stopped.
"""

import ctypes
import ctypes.util
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
        lib = _libtcl()
        self.available = bool(lib) and hasattr(lib, "TclResetCancellation")
        if self.available:
            self._cancel = lib.Tcl_CancelEval
            self._cancel.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
                                     ctypes.c_int]
            self._reset = lib.TclResetCancellation
            self._reset.argtypes = [ctypes.c_void_p, ctypes.c_int]

    def cancel(self):
        """Ask the running evaluation to unwind (callable from any thread)."""
        if self.available:
            self.requested = True
            self._cancel(self._interp, None, None, TCL_CANCEL_UNWIND)

    def settle(self):
        """In the interpreter's thread, with no evaluation running: clear a cancel request."""
        if self.requested:
            self.requested = False
            try:               # a request made while idle is delivered at the next safe point
                self._tk.eval("list")
            except tkinter.TclError:
                pass
            self._reset(self._interp, 1)
