"""`exit` in every frontend (it ends the evaluation even under `catch`), Ctrl-C during a long
Python-side command in the CLI, the magics' one-line errors (issue 14: cases 9, 13, 16, 23), and
`gets stdin` answered in the notebook's input box, in the kernel and in the magics."""

import signal
import subprocess
import sys
import time

import pexpect
import pytest
import test_kernel
from conftest import ROOT, cli_prompt, run_cli
from test_dashboard import _kernel, _stdout
from test_kernel_robustness import control

from torchtcl_kernel import TorchTclError
from torchtcl_kernel.shown import SHOWN_LIMIT

pytestmark = pytest.mark.slow   # starts real processes (kernels, CLIs): `make test-fast` skips it

kernel = test_kernel.kernel          # the torchtcl kernel, shared with test_kernel's fixture
run = test_kernel.run

LONG_COMMAND = "torch::lr_explore cosine -tMax 1000 -steps 2000000"   # ~20 s of Python


def _results(msgs):
    return [c["data"]["text/plain"] for _, k, c in msgs if k == "execute_result"]


# --- the interpreter ------------------------------------------------------------------------------

@pytest.mark.parametrize("script", ["exit 3", "catch {exit 3}", "proc main {} {exit 3}; catch main",
                                    "catch {catch {exit 3}}; set after 1",
                                    "proc main {} {exit 3}; if {[catch main]} {set after 1}"])
def test_exit_unwinds_through_catch_and_keeps_the_interpreter(tcl, script):
    tcl("set before 1")
    with pytest.raises(TorchTclError) as info:
        tcl(script + "; set after 1")
    assert getattr(info.value, "code", None) == 3
    assert info.value.error_code.split()[:2] == ["TORCHTCL", "EXIT"]
    assert tcl("info exists after") == "0"
    assert tcl("list $before [expr {6 * 7}]") == "1 42"   # usable, and not left cancelled


def test_exit_as_the_last_command_and_from_a_nested_evaluation(tcl):
    with pytest.raises(TorchTclError) as info:
        tcl("catch {exit 5}")                      # no later safe point to unwind at
    assert info.value.code == 5
    assert tcl("expr {1 + 1}") == "2"
    # a Python command that evaluates Tcl itself (nested): the outer script ends too
    tcl.interp.add_command("::nested", lambda script: tcl.interp.eval(script))
    with pytest.raises(TorchTclError) as info:
        tcl("catch {nested {catch {exit 6}}}; set after 1")
    assert info.value.code == 6 and tcl("info exists after") == "0"
    assert tcl("nested {expr {2 + 2}}") == "4"


def test_exit_usage(tcl):
    assert tcl.error("exit 1 2").message == 'wrong # args: should be "exit ?returnCode?"'
    assert tcl("catch {exit nope}") == "1"                 # a bad code is a plain, catchable error
    assert tcl("set x 1") == "1"


# --- the kernel -----------------------------------------------------------------------------------

def test_exit_under_catch_ends_the_cell_in_the_kernel(kernel):
    _, kc = kernel
    reply, _ = run(kc, "set keep 7; proc main {} {exit 0}; catch main; set after 1")
    assert reply["status"] == "ok"
    # (what makes jupyter console leave: test_kernel's console test; a notebook ignores it)
    assert reply["payload"] == [{"source": "ask_exit", "keepkernel": True}]
    reply, msgs = run(kc, "list [info exists after] $keep")
    assert reply["status"] == "ok" and _results(msgs) == ["0 7"]


# --- the magics (a real python3 kernel) -----------------------------------------------------------

@pytest.fixture(scope="module")
def python_kernel():
    gen = _kernel("python3")
    kc = next(gen)
    assert run(kc, "%load_ext torchtcl_kernel")[0]["status"] == "ok"
    yield kc
    next(gen, None)


def _one_line_error(reply, msgs):
    assert reply["status"] == "error"
    errors = [c for _, k, c in msgs if k == "error"]
    assert len(errors) == 1 and len(errors[0]["traceback"]) == 1, errors
    return errors[0]["traceback"][0]


@pytest.mark.parametrize("cell", ["%%tcl\nset before 1\nexit 2\nset after 1",
                                  "%%tcl\nset before 1\nproc main {} {exit 2}\ncatch main\n"
                                  "set after 1",
                                  "%tcl set before 1; catch {exit 2}; set after 1"])
def test_exit_in_a_magic_ends_the_cell_and_keeps_the_kernel(python_kernel, cell):
    kc = python_kernel
    run(kc, "%tcl unset -nocomplain before after")
    line = _one_line_error(*run(kc, cell))
    assert line.startswith("TclError: exit 2")
    reply, msgs = run(kc, "print('alive', 1)")     # the same kernel process
    assert reply["status"] == "ok" and _stdout(msgs) == "alive 1\n"
    _, msgs = run(kc, "%tcl list [info exists before] [info exists after]")
    assert _results(msgs) == ["1 0"]


@pytest.mark.parametrize("cell, expected", [
    ("%%tcl -o nosuch\nset a 1", "TclError: -o nosuch: can't read \"nosuch\": no such variable"),
    ("%tcl -o nosuch set a 1", "TclError: -o nosuch: can't read \"nosuch\": no such variable"),
    ("%%tcl -o bad\nset bad \"a \\{b\"", "TclError: -o bad: unmatched open brace in list"),
    ("%%tcl -o q\nset q {a \"b}", "TclError: -o q: unmatched open quote in list"),
    ("%%tcl -o arr\narray set arr {k v}",
     "TclError: -o arr: can't read \"arr\": variable is array"),
])
def test_output_errors_in_the_magics_are_one_line(python_kernel, cell, expected):
    assert _one_line_error(*run(python_kernel, cell)) == expected
    reply, msgs = run(python_kernel, "%tcl expr {6 * 7}")
    assert reply["status"] == "ok" and _results(msgs) == ["42"]


def test_input_errors_in_the_magics_are_one_line(python_kernel):
    run(python_kernel, "%tcl array set tarr {k v}")
    run(python_kernel, "tarr = 5")
    line = _one_line_error(*run(python_kernel, "%tcl -i tarr set tarr"))
    assert line == "TclError: -i tarr: can't set \"tarr\": variable is array"


@pytest.mark.parametrize("line, expected", [
    ("%tcl torch::tensor_dtype [torch::zeros {2 2} -dtype int64]", "Int64"),
    ("%tcl llength [torch::lr_explore cosine -tMax 100 -steps 5]", "5"),
    ("n = 21\n%tcl -i n -o m set m [expr {$n * 2}]\nprint(m)", None),
])
def test_a_line_magic_hands_its_whole_line_to_tcl(python_kernel, line, expected):
    """Issue 16: option words of the Tcl code (-dtype, -tMax) are Tcl's, not the magic's."""
    reply, msgs = run(python_kernel, line)
    assert reply["status"] == "ok", reply
    if expected is None:
        assert _stdout(msgs) == "42\n"
    else:
        assert _results(msgs) == [expected]


def test_a_long_result_is_shown_in_part_and_is_whole_as_a_value(python_kernel):
    _, msgs = run(python_kernel, f"%tcl string repeat x {SHOWN_LIMIT + 1}")
    assert _results(msgs) == ["x" * SHOWN_LIMIT + (
        f"\n… (shown: the first {SHOWN_LIMIT} of {SHOWN_LIMIT + 1} characters; the value is "
        "whole in Tcl: write it to a file to read all of it)")]
    _, msgs = run(python_kernel, f"v = %tcl string repeat x {SHOWN_LIMIT + 1}\n"
                                 "print(len(v), set(v))")
    assert _stdout(msgs) == f"{SHOWN_LIMIT + 1} {{'x'}}\n"
    reply, msgs = run(python_kernel, f"%tcl error [string repeat y {SHOWN_LIMIT + 1}]")
    cut = "y" * SHOWN_LIMIT + (
        f"\n… (shown: the first {SHOWN_LIMIT} of {SHOWN_LIMIT + 1} characters; the value is "
        "whole in Tcl: write it to a file to read all of it)")
    assert _one_line_error(reply, msgs) == "TclError: " + cut
    assert reply["evalue"] == cut


def test_a_cell_magic_takes_only_its_options(python_kernel):
    line = _one_line_error(*run(python_kernel, "%%tcl -dtype int64\nset a 1"))
    assert line == "TclError: %%tcl takes only -i NAME and -o NAME options, not: -dtype int64"


# --- the CLI --------------------------------------------------------------------------------------

@pytest.mark.parametrize("script", ["catch {exit 4}", "proc main {} {exit 4}; catch main",
                                    "proc main {} {exit 4}; if {[catch main]} {puts caught}"])
@pytest.mark.slow  # over ~3 s
def test_exit_under_catch_sets_the_cli_status(tmp_path, script):
    out = tmp_path / "out.txt"
    path = tmp_path / "exit.tcl"
    path.write_text(f"puts -nonewline before\nset f [open {{{out}}} w]; puts -nonewline $f "
                    f"buffered\n{script}\nputs never\n")
    r = run_cli("run", str(path))
    assert (r.returncode, r.stdout, r.stderr) == (4, "before", "")
    assert out.read_text() == "buffered"             # Tcl's own channels were flushed, as tclsh
    r = run_cli(stdin=path.read_text())
    assert (r.returncode, r.stdout) == (4, "before")


def test_exit_at_the_prompt_ends_the_session():
    with cli_prompt() as child:
        child.sendline("proc main {} {exit 6}; catch main; puts [string cat nev er]")
        child.expect(pexpect.EOF)
        assert "never" not in child.before
    assert child.exitstatus == 6


@pytest.mark.slow  # over ~3 s
def test_ctrl_c_stops_a_long_python_command_in_a_script(tmp_path):
    script = tmp_path / "long.tcl"
    script.write_text(f"puts started; flush stdout\n{LONG_COMMAND}\nputs finished\n")
    proc = subprocess.Popen([sys.executable, "-m", "torchtcl_kernel.cli", "run", str(script)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline() == "started\n"
        time.sleep(1.5)                               # well inside the command
        t0 = time.time()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        took = time.time() - t0
    finally:
        proc.kill()
    assert took <= 1.0, f"Ctrl-C took {took:.2f} s"
    assert proc.returncode != 0
    assert out == "" and err.splitlines()[0] == "interrupted"
    assert "Traceback" not in err


@pytest.mark.slow  # over ~3 s
def test_ctrl_c_stops_a_long_python_command_at_the_prompt():
    with cli_prompt() as child:
        child.sendline(f"set keep [torch::ones {{2}}]; catch {{{LONG_COMMAND}}}; set after 1")
        time.sleep(1.5)
        t0 = time.time()
        child.sendintr()
        child.expect_exact("interrupted", timeout=10)
        took = time.time() - t0
        child.expect_exact("% ")
        child.sendline("list [info exists after] [torch::tensor_shape $keep]")
        child.expect_exact("0 2")
        child.sendline("llength [torch::lr_explore cosine -tMax 10 -steps 5]")
        child.expect_exact("\r\n5\r\n")      # the result, not the echoed "-steps 5"
        child.expect_exact("% ")              # (a Ctrl-D sent before the prompt is lost)
        child.sendeof()
        child.expect(pexpect.EOF)
    assert took <= 1.0, f"Ctrl-C took {took:.2f} s"


def test_exit_in_a_child_interpreter_ends_the_evaluation_not_the_process():
    """Child interpreters (at any depth, safe ones' hidden exit included) get our exit."""
    script = r'''
from torchtcl_kernel import TorchTcl, TorchTclExit
tcl = TorchTcl()
for s in ["interp create kid; kid eval {exit 3}",
          "interp cr k2 -safe; interp invokehidden k2 exit 4",
          "interp create k3; k3 eval {interp create g; g eval {exit 5}}"]:
    try:
        tcl.eval(s)
    except TorchTclExit as e:
        print("exit", e.code)
    except Exception as e:
        print("error", e)
print(tcl.eval("set alive yes"))
'''
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["exit 3", 'error invalid hidden command name "exit"',
                                     "exit 5", "yes"]


# --- gets stdin: the notebook's input box ---------------------------------------------------------

def _input_box(kc, prefix):
    """What `gets stdin` does in cells of a kernel (prefix: "", or "%%tcl\n" for the magic)."""
    msg_id = kc.execute(prefix + 'puts -nonewline "Name: "; flush stdout\n'
                        'proc ask {} {gets stdin n; return "hi $n"}; ask', allow_stdin=True)
    request = kc.get_stdin_msg(timeout=60)
    assert request["content"] == {"prompt": "", "password": False}
    kc.input("Ada")
    msgs = test_kernel._collect(kc, msg_id)
    assert test_kernel.shell_reply(kc, msg_id)["content"]["status"] == "ok"
    assert _stdout(msgs) == "Name: " and _results(msgs) == ["hi Ada"]
    # an end of file (Ctrl-D in jupyter console)
    msg_id = kc.execute(prefix + "list [gets stdin line] $line", allow_stdin=True)
    kc.get_stdin_msg(timeout=60)
    kc.input("\x04")
    assert _results(test_kernel._collect(kc, msg_id)) == ["-1 {}"]
    test_kernel.shell_reply(kc, msg_id)
    # a frontend that takes no input (nbclient): an end of file, at once
    reply, msgs = run(kc, prefix + "list [gets stdin line] $line", allow_stdin=False)
    assert reply["status"] == "ok" and _results(msgs) == ["-1 {}"]
    # an interrupt while it waits stops the cell, and the kernel goes on
    msg_id = kc.execute(prefix + "set waited 0; gets stdin; set waited 1", allow_stdin=True)
    kc.get_stdin_msg(timeout=60)
    assert control(kc, "interrupt_request", {})[0]["content"]["status"] == "ok"
    reply = test_kernel.shell_reply(kc, msg_id)["content"]
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt", reply
    reply, msgs = run(kc, prefix + "set waited")
    assert _results(msgs) == ["0"]


def test_gets_stdin_asks_the_notebook_in_the_kernel(kernel):
    kc = kernel[1]
    _input_box(kc, "")
    # a message on the stdin channel that cannot be read (a bad signature) is skipped
    msg_id = kc.execute("gets stdin", allow_stdin=True)
    kc.get_stdin_msg(timeout=60)
    kc.stdin_channel.socket.send_multipart([b"<IDS|MSG>", b"0" * 64, b"{}", b"{}", b"{}", b"{}"])
    kc.input("after the bad one")
    assert _results(test_kernel._collect(kc, msg_id)) == ["after the bad one"]
    assert test_kernel.shell_reply(kc, msg_id)["content"]["status"] == "ok"


def test_gets_stdin_asks_the_notebook_in_the_magics(python_kernel):
    _input_box(python_kernel, "%%tcl\n")
