"""Ctrl-C (SIGINT) during TorchTcl.eval: it stops the evaluation, even a pure-Tcl loop, with
KeyboardInterrupt, and the interpreter keeps its state (issue 16). Each case runs in a real process
that receives a real signal; the magics' case in a real python3 IPython kernel."""

import signal
import subprocess
import sys
import textwrap
import time

import pytest
from conftest import ROOT
from jupyter_client.manager import start_new_kernel
from test_kernel import _collect, run, shell_reply

pytestmark = pytest.mark.slow   # starts real processes (kernels, CLIs): `make test-fast` skips it

# The child prints READY once it is about to run the evaluation, then what happened, one per line.
PRELUDE = """
import signal, sys, time
from torchtcl_kernel import TorchTcl, TorchTclError

tcl = TorchTcl()
tcl.eval("set keep 42; set h [torch::ones {2 3}]")

def attempt(script):
    print("READY", flush=True)
    t0 = time.monotonic()
    try:
        tcl.eval(script)
        print("finished", flush=True)
    except KeyboardInterrupt:
        print("KeyboardInterrupt", round(time.monotonic() - t0, 2), flush=True)
    except TorchTclError as e:
        print("error", e.message, flush=True)
"""


def _interrupted(body, signals=1, delay=0.7, timeout=60):
    """Run PRELUDE + body in a child; SIGINT it `delay` s after each READY line. Its output lines
    (READY ones left out) and exit status."""
    proc = subprocess.Popen([sys.executable, "-c", PRELUDE + textwrap.dedent(body)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    try:
        for _ in range(signals):
            while (line := proc.stdout.readline()) != "READY\n":
                assert line, proc.stderr.read()         # the child ended early
                lines.append(line.rstrip("\n"))
            time.sleep(delay)
            proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=timeout)
    finally:
        proc.kill()
        proc.communicate()
    lines += [line for line in out.splitlines() if line != "READY"]
    assert "Traceback" not in err, err
    return lines, proc.returncode


def _took(line):
    word, seconds = line.split()
    assert word == "KeyboardInterrupt"
    return float(seconds)


def test_ctrl_c_stops_a_pure_tcl_loop_and_keeps_the_state():
    lines, status = _interrupted("""
        attempt("set i 0; while 1 {incr i}")
        print(tcl.eval("list $keep [torch::tensor_shape $h] [expr {$i > 0}]"))
        print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
        print(tcl.eval("set x 1; incr x"))       # not left cancelled: it runs to its end
    """)
    assert status == 0
    assert len(lines) == 4 and _took(lines[0]) < 0.7 + 1.0
    assert lines[1:] == ["42 {2 3} 1", "True", "2"]


def test_ctrl_c_unwinds_through_catch():
    lines, status = _interrupted("""
        attempt("catch {while 1 {}}; set after 1")
        print(tcl.eval("info exists after"))
    """)
    assert status == 0 and lines[0].startswith("KeyboardInterrupt") and lines[1] == "0"


def test_ctrl_c_stops_a_long_python_side_command():
    # Tcl only checks for a cancel between commands: one command that runs on in Python for
    # 30 s is stopped by the KeyboardInterrupt raised in it.
    lines, status = _interrupted("""
        def spin():
            end = time.monotonic() + 30
            while time.monotonic() < end:
                pass
            return "spun"
        tcl.add_command("spin", spin)
        attempt("catch spin; set after 1")
        print(tcl.eval("list [info exists after] $keep"))
    """)
    assert status == 0
    assert _took(lines[0]) < 0.7 + 1.0 and lines[1] == "0 42"


def test_ctrl_c_in_a_nested_evaluation_stops_the_outer_one():
    lines, status = _interrupted("""
        def nested():
            try:
                tcl.eval("while 1 {}")
            except KeyboardInterrupt:
                print("inner KeyboardInterrupt", flush=True)
                raise
            return ""
        tcl.add_command("nested", nested)
        attempt("catch nested; set after 1")
        print(tcl.eval("list [info exists after] $keep"))
    """)
    assert status == 0
    assert lines[0] == "inner KeyboardInterrupt" and lines[1].startswith("KeyboardInterrupt")
    assert lines[2] == "0 42"


def test_each_ctrl_c_stops_its_own_evaluation_only():
    # Between evaluations a Ctrl-C is Python's as ever; an evaluation after one runs to its end.
    lines, status = _interrupted("""
        attempt("while 1 {}")
        attempt("while 1 {}")
        print("READY", flush=True)
        try:
            time.sleep(30)
        except KeyboardInterrupt:
            print("idle KeyboardInterrupt", flush=True)
        print(tcl.eval("after 300; set done 1"))
    """, signals=3)
    assert status == 0
    assert [line.split()[0] for line in lines[:2]] == ["KeyboardInterrupt"] * 2
    assert lines[2:] == ["idle KeyboardInterrupt", "1"]


def test_bursts_of_ctrl_c_neither_hang_nor_break_the_interpreter():
    """Ctrl-C pressed repeatedly: signals that come while the handler runs (it runs again inside
    itself) and after the evaluation ended (Python's own KeyboardInterrupt, caught here)."""
    body = """
        def tolerant(f):
            while True:
                try:
                    return f()
                except KeyboardInterrupt:
                    pass                  # one of a burst that came after the evaluation
        stopped = []
        def loops():
            while len(stopped) < 3:
                try:
                    tcl.eval("while 1 {}")
                except KeyboardInterrupt:
                    stopped.append(1)
        print("READY", flush=True)
        tolerant(loops)
        tolerant(lambda: time.sleep(1.5))
        print("END", tcl.eval("list $keep [torch::tensor_shape $h]"), flush=True)
    """
    for _ in range(2):
        proc = subprocess.Popen([sys.executable, "-c", PRELUDE + textwrap.dedent(body)],
                                cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        try:
            assert proc.stdout.readline() == "READY\n"
            for _ in range(4):
                time.sleep(0.3)
                for _ in range(4):
                    proc.send_signal(signal.SIGINT)
                    time.sleep(0.002)
            out, err = proc.communicate(timeout=30)
        finally:
            proc.kill()
            proc.communicate()
        assert (proc.returncode, out) == (0, "END 42 {2 3}\n"), err


def test_a_process_that_ignores_ctrl_c_still_ignores_it():
    lines, status = _interrupted("""
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        attempt("after 1500; set done 1")
        print(signal.getsignal(signal.SIGINT) is signal.SIG_IGN)
    """)
    assert status == 0 and lines == ["finished", "True"]


def test_a_handler_of_the_programs_own_runs_and_the_loop_stops():
    # A frontend's own Python handler (the CLI's, a kernel's) is left in place: it runs once
    # Python does, and the Tcl loop is stopped all the same.
    lines, status = _interrupted("""
        seen = []
        signal.signal(signal.SIGINT, lambda *args: seen.append(1))
        attempt("while 1 {}")
        print(seen, signal.getsignal(signal.SIGINT) is not signal.default_int_handler)
    """)
    assert status == 0
    assert lines[0].startswith("KeyboardInterrupt") and lines[1] == "[1] True"


def test_an_interrupt_from_another_thread_is_still_an_error():
    """TorchTcl.interrupt (the torchtcl kernel's interrupt message) keeps its "interrupted"
    error: only a SIGINT is a KeyboardInterrupt."""
    lines, status = _interrupted("""
        import threading
        threading.Timer(0.3, tcl.interrupt).start()
        try:
            tcl.eval("while 1 {}")
        except TorchTclError as e:
            print("error", e.message, flush=True)
        attempt("while 1 {}")
    """)
    assert status == 0
    assert lines[0] == "error interrupted" and lines[1].startswith("KeyboardInterrupt")


def test_serve_events_runs_what_events_run_as_an_evaluation():
    """TorchTcl.serve_events (the CLI prompt's): an `after` script runs; a looping one stops at
    Ctrl-C, as a command would, and the state stays; `exit` in one is TorchTclExit."""
    lines, status = _interrupted("""
        from torchtcl_kernel import TorchTclExit
        tcl.eval("after 0 {set ::ran 1}")
        tcl.serve_events()
        print("ran", tcl.eval("set ::ran"), flush=True)
        tcl.eval("after 0 {while 1 {}}")
        print("READY", flush=True)
        tcl.serve_events()          # (Tcl reports the stopped script as a background error)
        print("stopped", tcl.eval("set keep"), flush=True)
        tcl.eval("after 0 {exit 4}")
        try:
            tcl.serve_events()
        except TorchTclExit as e:
            print("exit", e.code, flush=True)
    """)
    assert status == 0 and lines == ["ran 1", "stopped 42", "exit 4"], lines


# --- the magics, in a real python3 IPython kernel ----------------------------------------------

@pytest.fixture(scope="module")
def python_kernel():
    km, kc = start_new_kernel(kernel_name="python3")
    try:
        reply, _ = run(kc, "%load_ext torchtcl_kernel.magics")
        assert reply["status"] == "ok", reply
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _interrupt_cell(km, kc, code, delay=1.0):
    msg_id = kc.execute(code)
    time.sleep(delay)
    t0 = time.time()
    km.interrupt_kernel()            # python3's kernelspec: a SIGINT to the kernel process
    reply = shell_reply(kc, msg_id, timeout=20)["content"]
    _collect(kc, msg_id)
    return reply, time.time() - t0


@pytest.mark.parametrize("loop", ["while 1 {incr i}", "catch {while 1 {incr i}}; set after 1"])
def test_interrupting_a_tcl_cell_stops_the_loop_and_keeps_the_state(python_kernel, loop):
    km, kc = python_kernel
    run(kc, "%tcl unset -nocomplain after; set before 42; set i 0; set h [torch::ones {2}]")
    reply, took = _interrupt_cell(km, kc, "%%tcl\n" + loop)
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt", reply
    assert took < 3.0
    reply, msgs = run(kc, "%tcl list $before [expr {$i > 0}] [info exists after] "
                          "[torch::tensor_shape $h]")
    assert reply["status"] == "ok"
    assert [c["data"]["text/plain"] for _, k, c in msgs if k == "execute_result"] == ["42 1 0 2"]
    reply, msgs = run(kc, "print('alive')")
    assert reply["status"] == "ok"


def test_interrupting_a_long_python_side_command_in_a_tcl_cell(python_kernel):
    km, kc = python_kernel
    reply, _ = run(kc, textwrap.dedent("""
        import time
        def _spin():
            end = time.monotonic() + 60
            while time.monotonic() < end:
                pass
            return "spun"
        get_ipython().find_magic("tcl").__self__.interp.add_command("spin", _spin)
    """))
    assert reply["status"] == "ok", reply
    reply, took = _interrupt_cell(km, kc, "%tcl catch spin; set after_spin 1")
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt", reply
    assert took < 3.0
    reply, msgs = run(kc, "%tcl info exists after_spin")
    assert [c["data"]["text/plain"] for _, k, c in msgs if k == "execute_result"] == ["0"]


def test_without_a_file_descriptor_to_spare_an_evaluation_still_runs():
    # The relay's pipe and thread are made at the first evaluation; where the system has none to
    # give, that evaluation runs without them (the frontend's own handler is all Ctrl-C has),
    # and the next one makes them.
    child = textwrap.dedent("""
        import os, resource, threading
        from torchtcl_kernel import TorchTcl
        tcl = TorchTcl()
        relay = lambda: "torchtcl-sigint" in [t.name for t in threading.enumerate()]
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        lowest_free = min(set(range(3, 1 << 16)) - {int(fd) for fd in os.listdir("/proc/self/fd")})
        resource.setrlimit(resource.RLIMIT_NOFILE, (lowest_free, hard))
        try:
            os.pipe()
        except OSError as e:
            print("no pipe:", e.strerror)
        print(tcl.eval("expr {6 * 7}"), relay())
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        print(tcl.eval("expr {6 * 7}"), relay())
    """)
    done = subprocess.run([sys.executable, "-c", child], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["no pipe: Too many open files", "42 False", "42 True"]
