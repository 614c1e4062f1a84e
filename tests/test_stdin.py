"""`gets stdin` where a frontend gives the lines (core/stdin.py), in a real interpreter: the
kernel's and the magics' input boxes are tested through real kernels in test_kernel_features.py
and test_exit_and_magics.py; Tcl's own stdin, where no reader is set (the CLI), in
test_cli.py."""

import pytest


def typed(session, *texts):
    """Make `texts` what the user types, one per request for a line; then end of file. Returns
    the list of requests made (one None each)."""
    pending, asked = list(texts), []

    def reader():
        asked.append(None)
        if not pending:
            raise EOFError
        return pending.pop(0)
    session.interp.read_stdin_from(reader)
    return asked


def test_gets_reads_what_the_reader_gives_a_line_at_a_time(tcl):
    asked = typed(tcl, "héllo wörld", "first\nsecond", "")
    assert tcl("gets stdin") == "héllo wörld"
    assert tcl("list [gets stdin line] $line") == "5 first"
    assert tcl("list [gets stdin line] $line") == "6 second"     # (the same text's next line)
    assert tcl("list [gets stdin line] $line") == "0 {}"          # an empty line is no end
    assert len(asked) == 3
    # an end of file: -1 and an empty variable, and the next gets asks again
    assert tcl("list [gets stdin line] $line [gets stdin]") == "-1 {} {}"
    typed(tcl, "again")
    assert tcl("gets stdin") == "again"


def test_the_variable_is_set_where_gets_was_called(tcl):
    typed(tcl, "a", "b", "c", "d")
    assert tcl("proc p {} {gets stdin v; list $v [info locals]}; p") == "a v"
    assert tcl("info exists v") == "0"
    assert tcl("namespace eval ns {gets stdin nv}; set ns::nv") == "b"
    assert tcl("apply {{} {upvar 1 outer o; gets stdin o}}; set outer") == "c"
    assert tcl("gets stdin arr(k); set arr(k)") == "d"


@pytest.mark.parametrize("script, message, next_line", [
    ("gets", 'wrong # args: should be "gets channelId ?varName?"', "x"),
    ("gets stdin a b", 'wrong # args: should be "gets channelId ?varName?"', "x"),
    ("gets nochan", 'can not find channel named "nochan"', "x"),
    # (the line was read, as Tcl's gets reads it before it sets the variable)
    ("array set arr {}; gets stdin arr", 'can\'t set "arr": variable is array', "y"),
    ("trace add variable tv write {apply {args {error boom}}}; gets stdin tv",
     'can\'t set "tv": boom', "y"),
    # (the commands gets, puts and flush replace name themselves, as tclsh's do)
    ("puts a b c d", 'wrong # args: should be "puts ?-nonewline? ?channelId? string"', "x"),
    ("flush", 'wrong # args: should be "flush channelId"', "x"),
])
def test_errors_are_tcls_own(tcl, script, message, next_line):
    typed(tcl, "x", "y")
    assert tcl.error(script).message == message
    assert tcl("gets stdin") == next_line


def test_other_channels_are_tcls_own_gets(tcl, tmp_path):
    (tmp_path / "f.txt").write_text("from a file\nsecond\n")
    typed(tcl, "typed")
    tcl.interp.tk.call("set", "path", str(tmp_path / "f.txt"))
    # (in a proc: the variable is the proc's own, as with Tcl's gets)
    assert tcl("proc readall {path} {set f [open $path]\n"
               "    set r [list [gets $f] [gets $f line] $line [gets $f] [eof $f]]\n"
               "    close $f; list $r [info locals]}; readall $path") == \
        "{{from a file} 6 second {} 1} {path f r line}"
    assert tcl("info exists line") == "0"
    assert tcl("gets stdin") == "typed"


def test_without_a_reader_gets_is_tcls_own_command(tcl):
    assert tcl("info procs gets") == ""
    assert tcl.error("gets").error_code == "TCL WRONGARGS"
    typed(tcl, "x")
    assert tcl("info procs gets") == "gets"        # (in front of it now)
    assert tcl.error("gets").error_code == "TCL WRONGARGS"


def test_what_the_reader_raises_is_a_tcl_error(tcl):
    def reader():
        raise RuntimeError("no input here")
    tcl.interp.read_stdin_from(reader)
    assert tcl.error("gets stdin").message == "no input here"
    assert tcl("set still 1") == "1"
