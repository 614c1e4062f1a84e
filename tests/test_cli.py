"""`torchtcl` as a process: tclsh-like file runs, exit codes, errors, stdin and the prompt."""

import json
import os
import random
import re
import select
import subprocess
import sys
import time

import pexpect
import pytest
from conftest import ROOT, cli_prompt, run_cli
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager

from torchtcl_kernel.cli import main as cli_main

pytestmark = pytest.mark.slow   # starts real processes (kernels, CLIs): `make test-fast` skips it

UP = "\x1b[A"


@pytest.fixture(autouse=True)
def history(tmp_path, monkeypatch):
    """The prompt's history file: one of the test's, never the user's ~/.torchtcl_history."""
    path = tmp_path / "history"
    monkeypatch.setenv("TORCHTCL_HISTORY", str(path))
    return path


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


def _end_session(child):
    """Ctrl-D at the next prompt. Not sooner: between prompts readline has the terminal in its
    cooked mode, where a Ctrl-D typed ahead is lost when readline switches to raw mode."""
    child.expect_exact("% ")
    child.sendeof()
    child.expect(pexpect.EOF)


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
    _end_session(child)


@pytest.mark.slow
def test_training_example_loss_goes_down():
    r = run_cli("run", str(ROOT / "examples" / "train_regression.tcl"), "200")
    assert r.returncode == 0, r.stderr
    losses = [float(x) for x in re.findall(r"loss (\S+)", r.stdout)]
    assert len(losses) == 5 and losses[-1] < losses[0] / 100


@pytest.mark.slow
def test_amp_demo_script_reports_the_overflow_it_induces():
    r = run_cli("run", str(ROOT / "examples" / "amp_training.tcl"), "80", "30")
    assert r.returncode == 0, r.stderr
    assert "skipped steps: 1 of 80 (at step 30)\n" in r.stdout
    assert re.search(r"^\s+30 .* overflow: step skipped", r.stdout, re.M)
    # growthInterval 25: 1024 -> 2048 at 25, backoff to 1024 at 30, 2048 at 55, 4096 at 80
    assert "final scale:   4096.0" in r.stdout
    r = run_cli("run", str(ROOT / "examples" / "amp_training.tcl"), "20", "30")
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("skipped steps: 0 of 20\n")


def test_ctrl_c_stops_a_pure_tcl_loop_at_the_prompt():
    with cli_prompt() as child:
        child.sendline("set keep [torch::ones {2}]; while 1 {}")
        time.sleep(1.0)
        child.sendintr()
        child.expect_exact("interrupted")
        child.expect_exact("% ")
        child.sendline("torch::tensor_shape $keep")
        child.expect_exact("2")
        _end_session(child)


def test_ctrl_c_at_the_prompt_clears_the_line_at_once_and_events_run_there():
    """tkinter's input hook waited in Tcl's event loop for the next key, deaf to Ctrl-C: the line
    was cleared only at the next key, and the line typed after it was thrown away with it."""
    with cli_prompt() as child:
        child.send("set abc")
        time.sleep(0.3)
        child.sendintr()
        child.expect_exact("% ", timeout=2)
        child.sendline("after 200 {puts fired}; set x 1")
        child.expect_exact("1\r\n% ")
        child.expect_exact("fired", timeout=3)          # at the prompt, as in tclsh
        child.sendline("info exists abc")
        child.expect_exact("0\r\n")
        _end_session(child)


def test_what_an_event_runs_at_the_prompt_stops_on_ctrl_c_and_may_exit():
    """A script an event runs at the prompt is evaluated as a typed command is: a loop in it hung
    the prompt for good (tkinter's input hook ran it where Ctrl-C could not reach)."""
    with cli_prompt() as child:
        child.sendline("set keep 1; after 100 {while 1 {}}")
        child.expect_exact("% ")
        time.sleep(1.0)                                 # the loop runs
        child.sendintr()
        child.expect_exact("eval unwound")             # Tcl's report of a background error
        child.expect_exact('"while 1 {}"')
        child.expect_exact('("after" script)')
        child.sendline("incr keep")
        child.expect_exact("2\r\n")
        # serving events depends on no Tcl command, which a script could delete or replace
        child.sendline("namespace delete ::torchtcl; proc unknown args {puts UNKNOWN}; "
                       "after 50 {set ::late 1}; set y 7")
        child.expect_exact("7\r\n")
        time.sleep(0.5)
        child.sendline("set late")
        child.expect_exact("1\r\n% ")
        assert "UNKNOWN" not in child.before and "invalid command" not in child.before
        child.sendline("after 100 {exit 3}")
        child.expect(pexpect.EOF)
    assert child.exitstatus == 3


def test_ctrl_c_at_random_moments_leaves_the_prompt_working():
    """Each Ctrl-C stops the command it came in, or clears the prompt's line; none reaches the
    prompt's own calls into Tcl (a request left over from an evaluation that had just ended
    unwound the next one, and the CLI ended with a traceback)."""
    rng = random.Random(7)
    with cli_prompt() as child:
        child.sendline("set keep [torch::ones {2}]")
        child.expect_exact("% ")
        for _ in range(40):
            child.sendline(f"after {rng.randint(5, 30)}; incr n")
            time.sleep(rng.uniform(0, 0.04))
            child.sendintr()
            child.expect_exact("% ", timeout=10)
            time.sleep(0.05)
        child.sendline("puts [torch::tensor_shape $keep]/[incr n 0]")
        child.expect(r"2/\d+\r\n")
        _end_session(child)
    assert child.exitstatus == 0


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


@pytest.mark.slow
def test_run_passes_options_after_the_file_to_the_script(tmp_path):
    script = tmp_path / "opts.tcl"
    script.write_text('puts $argv\n')
    assert run_cli("run", str(script), "-h", "--user").stdout == "-h --user\n"
    assert run_cli(str(script), "--help").stdout == "--help\n"
    r = run_cli("run")
    assert r.returncode == 2 and "usage: torchtcl run" in r.stderr


@pytest.mark.slow
@pytest.mark.parametrize("command", ["install", "uninstall"])
def test_install_and_uninstall_help(command):
    for r in (run_cli(command, "--help"),
              subprocess.run([sys.executable, "-m", "torchtcl_kernel", command, "-h"],
                             capture_output=True, text=True, timeout=60, cwd=ROOT)):
        assert r.returncode == 0, r.stderr
        assert f"usage: torchtcl {command} [-h] [--user | --sys-prefix | --prefix P]" in r.stdout
        for option in ("--user", "--sys-prefix", "--prefix P"):
            assert f"\n  {option} " in r.stdout
    r = run_cli("--help")
    assert r.returncode == 0 and "torchtcl uninstall" in r.stdout


def _kernels(prefix):
    return prefix / "share" / "jupyter" / "kernels"


def test_install_and_uninstall_a_prefix(tmp_path):
    r = run_cli("install", "--prefix", str(tmp_path))
    installed = _kernels(tmp_path) / "torchtcl"
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"Installed kernelspec torchtcl in {installed}\n"
    # What Jupyter reads: a valid spec that starts this package's kernel with this Python.
    spec = KernelSpec.from_resource_dir(str(installed))
    assert spec.argv == [sys.executable, "-m", "torchtcl_kernel", "-f", "{connection_file}"]
    assert (spec.display_name, spec.language) == ("Tcl (torch)", "tcl")
    found = KernelSpecManager(kernel_dirs=[str(_kernels(tmp_path))]).find_kernel_specs()
    assert found["torchtcl"] == str(installed)

    r = run_cli("uninstall", "--prefix", str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"Removed kernelspec torchtcl from {installed}\n"
    assert not installed.exists() and _kernels(tmp_path).is_dir()

    r = run_cli("uninstall", "--prefix", str(tmp_path))
    assert r.returncode == 1
    assert r.stderr == f"torchtcl uninstall: no kernelspec torchtcl in {_kernels(tmp_path)}\n"


@pytest.mark.slow
def test_python_m_installs_like_ipykernel(tmp_path):
    r = subprocess.run([sys.executable, "-m", "torchtcl_kernel", "install", "--prefix",
                        str(tmp_path)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    spec = json.loads((_kernels(tmp_path) / "torchtcl" / "kernel.json").read_text())
    assert spec["argv"][:3] == [sys.executable, "-m", "torchtcl_kernel"]


@pytest.mark.slow
def test_uninstall_without_an_option_removes_the_one_jupyter_finds(tmp_path, monkeypatch):
    # JUPYTER_PATH comes first in Jupyter's search: the spec installed there is the one found.
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "share" / "jupyter"))
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "user"))
    assert run_cli("install", "--prefix", str(tmp_path)).returncode == 0
    installed = _kernels(tmp_path) / "torchtcl"
    # (a guard: were it not found first, the uninstall below would remove a real installation)
    assert KernelSpecManager().find_kernel_specs()["torchtcl"] == str(installed)
    r = run_cli("uninstall")
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"Removed kernelspec torchtcl from {installed}\n"


@pytest.mark.slow
def test_install_defaults_to_the_user_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path))
    r = run_cli("install")
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"Installed kernelspec torchtcl in {tmp_path / 'kernels' / 'torchtcl'}\n"
    r = run_cli("uninstall", "--user")
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "kernels" / "torchtcl").exists()


@pytest.mark.parametrize("args", [["--user", "--prefix", "x"], ["--sys-prefix", "--user"],
                                  ["--prefix"], ["--bogus"], ["extra"]])
def test_bad_install_options_are_usage_errors(args, capsys):
    # The CLI's own parser, in this process (a subprocess per case costs seconds of torch import;
    # test_install_and_uninstall_help runs the real executable)
    for command in ("install", "uninstall"):
        with pytest.raises(SystemExit) as exit_:
            cli_main([command, *args])
        err = capsys.readouterr().err
        assert exit_.value.code == 2
        assert err.startswith(f"usage: torchtcl {command}") and "Traceback" not in err
    with pytest.raises(SystemExit) as exit_:
        cli_main(["-x"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.startswith("usage: torchtcl [-h] COMMAND")


def test_the_prompt_takes_text_that_is_not_unicode_as_tclsh_does():
    """Python's streams are strict UTF-8 on most desktops (PYTHONIOENCODING says so here, this
    machine's C locale would not): a result holding a lone surrogate of Tcl's, and a typed line
    that is not UTF-8, each ended the session with a traceback."""
    with cli_prompt(env={"PYTHONIOENCODING": "utf-8:strict"},
                    codec_errors="surrogateescape") as child:
        child.sendline("set t [torch::zeros {2}]")
        child.expect_exact("% ")
        child.sendline("format %c 0xD800")
        child.expect_exact("\udced\udca0\udc80\r\n% ")     # its bytes, as tclsh writes them
        child.sendline('error "x\\uD800"')
        child.expect_exact("x\udced\udca0\udc80\r\n% ")
        child.send("set b \udcff\r")                       # (pexpect sends the byte 0xff)
        child.expect_exact("lone surrogate")
        child.expect_exact("% ")
        child.sendline("torch::tensor_numel $t")
        child.expect_exact("2\r\n")
        _end_session(child)
    assert child.exitstatus == 0


def test_prompt_history_up_arrow_and_the_history_file(history):
    with cli_prompt() as child:
        child.sendline("incr n 41")
        child.expect_exact("41")
        child.expect_exact("% ")
        child.send(UP + "\r")                       # the same command again
        child.expect_exact("82")
        child.expect_exact("% ")
        child.sendline("torch::tensor_shape nosuch")
        child.expect_exact("Invalid tensor name")
        _end_session(child)
    # (readline keeps a line repeated at once only once, as Python's own prompt does)
    assert history.read_text().splitlines() == ["incr n 41", "torch::tensor_shape nosuch"]

    with cli_prompt() as child:                     # a new session starts with that history
        child.send(UP + UP + "\r")
        child.expect_exact("41")
        child.sendline("exit 4")                    # `exit` saves it too
        child.expect(pexpect.EOF)
    assert child.exitstatus == 4
    assert history.read_text().splitlines() == ["incr n 41", "torch::tensor_shape nosuch",
                                                "incr n 41", "exit 4"]


def test_prompt_without_a_history_file(history, monkeypatch):
    monkeypatch.setenv("TORCHTCL_HISTORY", "")
    with cli_prompt() as child:
        child.sendline("incr n 5")
        child.expect_exact("5")
        child.send(UP + "\r")                       # line editing still works in the session
        child.expect_exact("10")
        _end_session(child)
    assert child.exitstatus == 0 and not history.exists()


def test_prompt_tab_completes_commands_and_variables():
    with cli_prompt() as child:
        child.sendline("set tee [torch::ones {3 5}]")
        child.expect(r"tensor\d+")
        child.expect_exact("% ")
        child.send("puts [torch::tensor_sha\t$te\t]\r")
        child.expect_exact("3 5")
        _end_session(child)


@pytest.mark.slow
def test_demo_summary_says_how_many_steps_were_skipped(tmp_path):
    r = subprocess.run([sys.executable, "-m", "torchtcl_kernel.demo", "--workdir", str(tmp_path)],
                       capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert "  steps:         180\n" in r.stdout
    assert "  skipped steps: 1 of 180 (at step 140)\n" in r.stdout
