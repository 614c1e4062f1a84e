"""`torchtcl` as a process: tclsh-like file runs, exit codes, errors, stdin and the prompt."""

import os
import re
import select
import subprocess
import sys
import time

import pexpect

from conftest import ROOT, cli_prompt, run_cli


def test_run_sets_argv_and_info_script(tmp_path):
    script = tmp_path / "args.tcl"
    script.write_text('puts "$argv0|$argc|$argv|[info script]"\n')
    r = run_cli("run", str(script), "a", "b c")
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"{script}|2|a {{b c}}|{script}\n"
    r = run_cli(str(script))                       # `run` may be left out, as with tclsh
    assert r.stdout == f"{script}|0||{script}\n"


def test_puts_channels_and_exit_status(tmp_path):
    script = tmp_path / "io.tcl"
    out = tmp_path / "file.txt"
    script.write_text(f"""
        puts -nonewline "a"; puts "b"; puts stdout c; puts stderr warn
        set f [open {{{out}}} w]; puts $f "to the file"; close $f
        puts [torch::tensor_shape [torch::zeros {{2 3}}]]
        exit 3
        puts "never"
    """)
    r = run_cli("run", str(script))
    assert r.returncode == 3
    assert r.stdout == "ab\nc\n2 3\n"
    assert r.stderr == "warn\n"
    assert out.read_text() == "to the file\n"


def test_uncaught_error_prints_message_and_errorinfo(tmp_path):
    script = tmp_path / "bad.tcl"
    script.write_text('puts before\nproc f {} { torch::tensor_shape nosuch }\nf\nputs after\n')
    r = run_cli("run", str(script))
    assert r.returncode == 1
    assert r.stdout == "before\n"
    lines = r.stderr.splitlines()
    assert lines[0] == "Invalid tensor name: nosuch"
    assert '(procedure "f" line 1)' in r.stderr and f'(file "{script}" line 3)' in r.stderr
    assert "Traceback" not in r.stderr


def test_script_from_stdin():
    r = run_cli(stdin="set t [torch::ones {4}]\nputs [torch::tensor_numel $t]\nexit 5\n")
    assert (r.returncode, r.stdout) == (5, "4\n")
    r = run_cli(stdin="torch::tensor_numel nosuch\n")
    assert r.returncode == 1 and r.stderr.startswith("Invalid tensor name: nosuch")


def test_prompt_on_a_terminal():
    with cli_prompt() as child:
        _prompt_session(child)
    assert child.exitstatus == 0


def _prompt_session(child):
    child.sendline("set t [torch::zeros {2 2}]")
    child.expect(r"tensor\d+")
    child.expect_exact("% ")
    child.sendline("proc sq {x} {")                 # an incomplete command continues
    child.expect_exact("> ")
    child.sendline("expr {$x * $x} }")
    child.expect_exact("% ")
    child.sendline("sq 7")
    child.expect_exact("49")
    child.sendline("torch::tensor_shape nosuch")
    child.expect_exact("Invalid tensor name: nosuch")
    child.sendline("torch::tensor_shape $t")       # the session survives the error
    child.expect_exact("2 2")
    child.sendeof()
    child.expect(pexpect.EOF)


def test_training_example_loss_goes_down():
    r = run_cli("run", str(ROOT / "examples" / "train_regression.tcl"), "200")
    assert r.returncode == 0, r.stderr
    losses = [float(x) for x in re.findall(r"loss (\S+)", r.stdout)]
    assert len(losses) == 5 and losses[-1] < losses[0] / 100


def test_amp_demo_script_reports_the_overflow_it_induces():
    r = run_cli("run", str(ROOT / "examples" / "amp_training.tcl"), "80", "30")
    assert r.returncode == 0, r.stderr
    assert "skipped steps: 30" in r.stdout
    assert re.search(r"^\s+30 .* overflow: step skipped", r.stdout, re.M)
    # growthInterval 25: 1024 -> 2048 at 25, backoff to 1024 at 30, 2048 at 55, 4096 at 80
    assert "final scale:   4096.0" in r.stdout


def test_ctrl_c_stops_a_pure_tcl_loop_at_the_prompt():
    with cli_prompt() as child:
        child.sendline("set keep [torch::ones {2}]; while 1 {}")
        time.sleep(1.0)
        child.sendintr()
        child.expect_exact("interrupted")
        child.expect_exact("% ")
        child.sendline("torch::tensor_shape $keep")
        child.expect_exact("2")
        child.sendeof()
        child.expect(pexpect.EOF)


def test_ctrl_c_ends_a_running_script(tmp_path):
    script = tmp_path / "spin.tcl"
    script.write_text("puts started; flush stdout; while 1 {}\n")
    with cli_prompt("run", str(script)) as child:
        child.expect_exact("started")
        time.sleep(0.5)
        child.sendintr()
        child.expect_exact("interrupted")
        child.expect(pexpect.EOF)
    assert child.exitstatus == 1


def test_flush_stdout_reaches_a_pipe_before_the_script_ends(tmp_path):
    script = tmp_path / "flush.tcl"
    script.write_text("puts -nonewline early; flush stdout; gets stdin; puts late\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}   # a buffered pipe
    proc = subprocess.Popen([sys.executable, "-m", "torchtcl_kernel.cli", "run", str(script)],
                            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
    try:
        # the script now waits on stdin: "early" can only arrive if flush pushed it out
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready and os.read(proc.stdout.fileno(), 5) == b"early"
        out, _ = proc.communicate(b"go\n", timeout=60)
        assert out == b"late\n"
    finally:
        proc.kill()
        proc.wait()
