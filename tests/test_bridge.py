"""The C bridge between Tcl and Python (core/_tclbridge.c): text both ways, errors of plain
commands, handle values through Tcl's own operations, several interpreters, other threads."""

import subprocess
import sys
import textwrap
import threading

import pytest
import torch
from conftest import ROOT

from torchtcl_kernel import TorchTcl, TorchTclError


def run_alone(script):
    """Run a Python script in its own process (a crash fails the test, not pytest); its stdout."""
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    return proc.stdout


def test_text_crosses_both_ways_unchanged(tcl):
    text = "héllo λ 😀 a\x00b"
    tcl.interp.tk.call("set", "x", text)
    tcl("puts $x")
    assert tcl.stdout == text + "\n"
    assert tcl.error("torch::handles -kind λ😀").message.startswith('bad value "λ😀"')


def test_a_plain_command_fails_as_a_tcl_error(tcl):
    def boom(*words):
        raise ValueError("no " + " ".join(words))
    tcl.interp.add_command("boom", boom)
    assert tcl("catch {boom a b} msg; set msg") == "no a b"
    e = tcl.error("boom x")
    assert (e.message, e.error_code) == ("no x", "TORCHTCL ERROR")
    assert "boom x" in e.error_info
    assert tcl("set ok 1") == "1", "the interpreter goes on"


def test_python_traceback_in_error_info_only_when_asked(tcl, monkeypatch):
    def boom(*words):
        raise ValueError("deep down")
    tcl.interp.add_command("boom", boom)
    monkeypatch.delenv("TORCHTCL_TRACEBACK", raising=False)
    for script in ("boom x", "torch::tensor_shape nosuch"):
        assert "Traceback" not in tcl.error(script).error_info
    monkeypatch.setenv("TORCHTCL_TRACEBACK", "1")
    info = tcl.error("boom x").error_info
    assert "Traceback (most recent call last)" in info and "ValueError: deep down" in info
    assert "in boom" in info and "boom x" in info, "the Tcl part is kept"
    assert tcl.error("boom x").message == "deep down", "the message is unchanged"


def test_handle_values_survive_what_tcl_does_to_them(tcl):
    """Shimmering to other types, copies made by Tcl, text made of them: the handle stays valid
    while anything still holds it."""
    tcl("set h [torch::ones {2}]; llength $h; string length $h; set c [string range $h 0 end]")
    tcl("set l [list $h]; lappend l x; set d [dict create $h v]; set k [lindex [dict keys $d] 0]")
    for word in ("$h", "$c", "[lindex $l 0]", "$k"):
        assert tcl(f"torch::tensor_shape {word}") == "2"
    assert tcl("torch::tensor_shape [string trim \" $h \"]") == "2"


def test_a_handle_of_another_interpreter_is_unknown():
    a, b = TorchTcl(), TorchTcl()
    name = a.eval("set t [torch::ones {2}]")
    b.tk.call("set", "t", name)
    try:
        b.eval("torch::tensor_shape $t")
    except TorchTclError as e:
        assert e.message.startswith("Invalid tensor name")
    else:
        raise AssertionError("a name from another interpreter was accepted")
    assert a.eval("torch::tensor_shape $t") == "2"


def test_names_read_from_another_thread_while_tcl_runs():
    """A view reading handle names in its own thread (the names escape) while a loop runs."""
    tcl = TorchTcl()
    tcl.eval("set keep [torch::ones {1}]")
    stop = threading.Event()
    seen = []

    def read():
        while not stop.wait(0.001):
            seen.append(len(tcl.store.names()))
    reader = threading.Thread(target=read)
    reader.start()
    try:
        tcl.eval("for {set i 0} {$i < 10000} {incr i} { set t [torch::tensor_add $keep 1] }")
    finally:
        stop.set()
        reader.join()
    assert seen and tcl.eval("torch::tensor_item $keep") == "1.000000"
    assert len(tcl.store) < 4100, "escaped or not, the loop's garbage was reclaimed"


def test_results_of_every_kind_become_tcl_values(tcl):
    tcl("set l [torch::linear 2 3]")
    params = tcl.interp.tk.splitlist(tcl("torch::layer_parameters $l"))
    assert [tcl(f"torch::tensor_shape {p}") for p in params] == ["3 2", "3"]
    assert isinstance(tcl.interp.tensor(params[0]), torch.nn.Parameter)
    assert tcl("torch::tensor_numel [torch::ones {4}]") == "4"
    assert tcl("torch::handles -kind module") == "{handle linear1 kind module type Linear " \
                                                 "parameters 9 bytes 36}"


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_a_command_deleted_while_it_runs_finishes_its_call():
    """puts writes to a reflected channel whose handler deletes puts (and fails the second time
    it runs, for the newline): the call in progress ends with that error, later calls find no
    such command. A command that deletes itself still returns its result."""
    out = run_alone('''
        import torch
        from torchtcl_kernel import TorchTcl
        tcl = TorchTcl()
        tcl.eval("""
            namespace eval rc {
                namespace export *
                namespace ensemble create
                proc initialize {ch mode} { return {initialize finalize watch write} }
                proc finalize {ch} {}
                proc watch {ch events} {}
                proc write {ch data} {
                    append ::written $data
                    rename ::puts {}
                    return [string length $data]
                }
            }
            set ch [chan create write rc]
            chan configure $ch -buffering none
        """)
        print(tcl.eval("list [catch {puts $ch hello} m] $m [split $::written \\n]"))
        print(tcl.eval("list [catch {puts again} m] $m"))

        def gone():
            tcl.tk.eval("rename gone {}")
            return torch.ones(2)
        tcl.add_command("gone", gone)
        print(tcl.eval("torch::tensor_shape [gone]"))
        print(tcl.eval("list [catch gone m] $m"))
    ''')
    assert out.splitlines() == ['1 {can\'t delete "::puts": command doesn\'t exist} {hello {}}',
                                '1 {invalid command name "puts"}',
                                "2", '1 {invalid command name "gone"}']


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_a_command_deleted_while_it_runs_can_still_fail():
    """The same on the error path: a schedule's lambda deletes the command that called it and
    returns no number."""
    out = run_alone('''
        from torchtcl_kernel import TorchTcl
        tcl = TorchTcl()
        tcl.eval("""
            set o [torch::optimizer_sgd [torch::layer_parameters [torch::linear 2 2]] 0.1]
            set s [torch::lr_scheduler_lambda $o {epoch {
                if {$epoch == 0} { return 1.0 }
                rename ::torch::lr_scheduler_step {}
                return notanumber
            }}]
        """)
        print(tcl.eval("catch {torch::lr_scheduler_step $s}"))
        print(tcl.eval("list [catch {torch::lr_scheduler_step $s} m] $m"))
        print(tcl.eval("torch::tensor_shape [torch::ones {3}]"))
    ''')
    assert out.splitlines() == ["1", '1 {invalid command name "torch::lr_scheduler_step"}', "3"]


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_drain_holds_the_handles_it_reports_while_python_runs():
    """Two interpreters of one thread note escapes for the same drain. Python that runs inside
    it (here a finalizer, run by the cycle collector at the drain's first allocation) makes the
    second interpreter drop and free its handle; the drain must not read the freed handle (whose
    memory the finalizer fills with other objects)."""
    out = run_alone('''
        import gc
        from torchtcl_kernel import TorchTcl
        a, b = TorchTcl(), TorchTcl()
        b.tk.eval("set t [torch::ones {1000}]; list")
        a.tk.eval("set u [torch::ones {2}]; list")
        store = a.store
        store.drain()
        junk, draining = [], False

        class Finalizer:
            def __del__(self):
                gc.set_threshold(700)
                print("in drain:", draining)
                b.tk.eval("unset t; torch::free tensor1")
                # objects of a Handle's size, with ones where a Handle's store pointer is
                junk.extend(bytes(16 * [1] + 24 * [0]) for _ in range(200000))

        gc.disable()
        f = Finalizer()
        f.cycle = f
        del f
        a.tk.eval("set s x$u; list")        # each handle's text made, neither drained yet
        b.tk.eval("set s x$t; list")
        gc.set_threshold(1)
        gc.enable()
        draining = True
        store.drain()
        draining = False
        print(len(junk), repr(b.eval("torch::handles")), a.eval("torch::tensor_shape $u"))
    ''')
    assert out.splitlines() == ["in drain: True", "200000 '' 2"]


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_a_result_list_changed_while_it_converts():
    """Converting an element of a result list runs Python (here a module's handle_prefix), which
    empties the list: the conversion stops at the list's new end."""
    out = run_alone('''
        import torch
        from torchtcl_kernel import TorchTcl
        tcl = TorchTcl()
        result = []

        class Emptying(torch.nn.Module):
            @property
            def handle_prefix(self):
                result.clear()
                return "emptying"

        def make():
            result[:] = [Emptying()] + [f"word{i}" * 20 for i in range(1000)]
            return result
        tcl.add_command("make", make)
        print(tcl.eval("llength [make]"))
    ''')
    assert out == "1\n"


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_text_too_long_for_tcl_is_an_error_not_a_crash():
    """Tcl's lengths are ints, and its encoding functions overflow past 1.68 GB. A str result
    beyond 2 GB crashed the process; one of NULs whose Tcl form passes 1.68 GB, and a 1.7 GB word
    that is not ASCII, came out 30 characters too long. Each is now a Tcl error (1.5 GB is the
    limit where the text is not ASCII), and the interpreter goes on."""
    out = run_alone('''
        from torchtcl_kernel import TorchTcl, TorchTclError
        tcl = TorchTcl()
        tcl.add_command("ascii", lambda: "x" * (2**31 + 10))
        tcl.add_command("nuls", lambda: "\\0" * 900_000_000)
        tcl.add_command("length", lambda word: len(word))
        for script in ("string length [ascii]", "string length [nuls]",
                       "length [string repeat \\u00e9 850000000]"):
            try:
                print(tcl.eval(script))
            except TorchTclError as e:
                print(e.message)
        print(tcl.eval("length [string repeat \\u00e9\\0 1000]"), tcl.eval("expr {6 * 7}"))
    ''')
    assert out.splitlines() == [
        "text too long to cross between Tcl and Python (2147483658 characters)",
        "text too long to cross between Tcl and Python (900000000 characters)",
        "text too long to cross between Tcl and Python (1700000000 bytes)",
        "2000 42"]
