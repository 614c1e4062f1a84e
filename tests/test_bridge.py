"""The C bridge between Tcl and Python (core/_tclbridge.c): text both ways, errors of plain
commands, handle values through Tcl's own operations, several interpreters, other threads."""

import threading

import torch

from torchtcl_kernel import TorchTcl, TorchTclError


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
