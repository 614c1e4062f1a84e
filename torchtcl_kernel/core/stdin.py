"""`gets stdin` in a frontend whose process has no terminal: a kernel's stdin is at its end, so
Tcl's own gets would return -1 at once. When a frontend gives the interpreter a reader (the
kernel: the notebook's input box, as input() has in a Python kernel), `gets stdin ?varName?`
takes its lines from there; any other use of gets, and every other command on stdin, is Tcl's.

A module of its own, not part of interp.py: a reader waits for the user, and an interrupt must
be able to stop it. Frontends raise KeyboardInterrupt only in a command's own code
(cancel.in_command), and interp.py is the interpreter's bookkeeping, where they never do.
"""

from __future__ import annotations

import tkinter
from collections.abc import Callable

from . import _tclbridge


class StdinLines:
    """The lines `gets stdin` reads. reader: None (Tcl's own stdin channel, as in the CLI) or a
    function returning the next line the user typed, or raising EOFError for an end of file
    (that gets sees it, the next one asks again, as after a Ctrl-D in a terminal)."""

    def __init__(self) -> None:
        self.reader: Callable[[], str] | None = None
        self._lines: list[str] = []     # what the reader's last text held after a newline

    def next_line(self) -> str | None:
        """The next line, or None at an end of file."""
        if not self._lines:
            assert self.reader is not None          # (gets asks for lines only then)
            try:
                self._lines = self.reader().split("\n")[::-1]
            except EOFError:
                return None
        return self._lines.pop()


def gets(interp, *args):
    """Tcl's gets, where `gets stdin ?varName?` reads interp.stdin's lines if it has a reader."""
    if interp.stdin.reader is None or len(args) not in (1, 2) or args[0] != "stdin":
        return interp.tcl_own("gets", *args)
    line = interp.stdin.next_line()
    if len(args) == 1:
        return line or ""
    # (in the frame of the script that called gets, a proc's local, as Tcl's gets sets it)
    error = _tclbridge.set_local(interp.tk.interpaddr(), args[1], line or "")
    if error is not None:
        raise tkinter.TclError(error)
    return -1 if line is None else interp.tk.call("string", "length", line)
