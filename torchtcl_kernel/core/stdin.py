"""`gets stdin` in a frontend whose process has no terminal: a kernel's stdin is at its end, so
Tcl's own gets would return -1 at once. TorchTcl.read_stdin_from gives the interpreter a reader
(the kernel's: the notebook's input box, as input() has in a Python kernel), and from then on
`gets stdin ?varName?` takes its lines from there. Any other gets is Tcl's own, and so is every
other command on stdin (read, eof, fileevent): Tcl's stdin channel stays what it was, so that
`exec` still hands its programs the process's stdin.

Without a reader (the CLI, a Python program) gets is Tcl's own command, untouched. With one, it
is a proc in front of Tcl's (renamed ::torchtcl::_gets) that passes every other channel on with
tailcall: the variable is set in the caller's frame, as by Tcl's gets, at 0.6 us more a call.

A module of its own, not part of interp.py: a reader waits for the user, and an interrupt must
be able to stop it. Frontends raise KeyboardInterrupt only in a command's own code
(cancel.in_command), and interp.py is the interpreter's bookkeeping, where they never do.
"""

from __future__ import annotations

from collections.abc import Callable

GETS_TCL = r"""
rename ::gets ::torchtcl::_gets
proc ::gets {args} {
    if {[llength $args] != 1 && [llength $args] != 2} {
        return -code error -errorcode {TCL WRONGARGS} \
            {wrong # args: should be "gets channelId ?varName?"}
    }
    if {[lindex $args 0] ne "stdin"} {
        tailcall ::torchtcl::_gets {*}$args
    }
    lassign [::torchtcl::_stdin_line] got line
    if {[llength $args] == 1} {
        return $line
    }
    uplevel 1 [list set [lindex $args 1] $line]
    if {$got} {string length $line} else {return -1}
}
"""


class StdinLines:
    """The lines `gets stdin` reads: reader() gives the next text the user typed, or raises
    EOFError for an end of file (that gets sees it, the next one asks again, as after a Ctrl-D
    in a terminal). A text holding newlines is that many lines."""

    def __init__(self, reader: Callable[[], str]) -> None:
        self.reader = reader
        self._lines: list[str] = []     # what the reader's last text held after a newline

    def next_line(self) -> tuple[int, str]:
        """(1, the next line), or (0, "") at an end of file: ::torchtcl::_stdin_line."""
        if not self._lines:
            try:
                self._lines = self.reader().split("\n")[::-1]
            except EOFError:
                return 0, ""
        return 1, self._lines.pop()
