"""`torchtcl`: run Tcl scripts with the torch:: commands, like tclsh.

    torchtcl run FILE.tcl ?arg ...?   run a script (argv0/argv/argc and `info script` set)
    torchtcl FILE.tcl ?arg ...?       the same
    torchtcl run -c SCRIPT ?arg ...?  run the script text SCRIPT (argv0 is "-c")
    torchtcl launch -n N FILE.tcl ?arg ...?
                                      run it in N processes at once, a data-parallel job
                                      (torchrun; see docs/distributed.md)
    torchtcl                          read a script from stdin (an interactive prompt on a terminal)
    torchtcl install ?--user | --sys-prefix | --prefix P?
                                      install the Jupyter kernelspec "Tcl (torch)" (--user if none)
    torchtcl uninstall ?--user | --sys-prefix | --prefix P?
                                      remove it (with no option: the one Jupyter would start)

The prompt has line editing, Tab completion and a history kept in ~/.torchtcl_history (or the file
$TORCHTCL_HISTORY names; an empty TORCHTCL_HISTORY keeps none) when Python has readline.
"""

import argparse
import contextlib
import io
import os
import signal
import sys
import tempfile
import threading

from .commands.distributed import leave_job
from .core import TorchTcl, TorchTclError, TorchTclExit, _tclbridge
from .core.cancel import in_command
from .core.telemetry import FORWARD_ENV

HISTORY_LENGTH = 1000


def _report(error):
    info = error.error_info or error.message
    # Our own `source` of the script file is not part of the user's stack.
    info = info.removesuffix('\n    invoked from within\n"source $::argv0"')
    if not info.startswith(error.message):
        info = f"{error.message}\n{info}"
    sys.stdout.flush()
    sys.stderr.write(info.rstrip("\n") + "\n")


def _set_args(interp, argv0, args):
    interp.tk.call("set", "::argv0", argv0)
    interp.tk.call("set", "::argv", tuple(args))
    interp.tk.call("set", "::argc", len(args))


def _interpreter():
    from .widgets import attach_headless
    interp = attach_headless(TorchTcl())
    if os.environ.get(FORWARD_ENV) == "stdout":      # a worker of torch::launch
        interp.telemetry.forward(_write_line)
    _ctrl_c_stops_tcl(interp)
    return interp


def _write_line(line):
    sys.stdout.write(line)
    sys.stdout.flush()


def _ctrl_c_stops_tcl(interp):
    """Ctrl-C stops a running script, even a pure-Tcl loop, as in tclsh.

    While Tcl loops no Python runs, so a Python handler alone would wait for the loop to end: the
    interpreter's own relay (core/cancel.py) asks Tcl to unwind the evaluation the signal came
    in, which then fails with "interrupted". Tcl only checks between commands, though: a long
    Python-side command is stopped by this handler, which raises KeyboardInterrupt in it (the
    command then fails with "interrupted", as in the kernel). At the prompt, Ctrl-C still clears
    the line.

    Each request names the evaluation it is for, never a later one: a request that came as an
    evaluation ended (unnumbered, it stayed on the idle interpreter) unwound the prompt's own
    next call into Tcl, and the CLI ended with a traceback.
    """
    if threading.current_thread() is not threading.main_thread():
        return

    def handler(signum, frame):
        if not interp.depth:
            if _CTRL_C.raises:
                raise KeyboardInterrupt
            return                          # (it came as a command ended: that one has ended)
        evaluation = interp.canceller.current()
        if evaluation is None:              # (it came as the evaluation ended: it has ended)
            return
        interp.interrupt(evaluation)        # first, so that no `catch` can go on after the error
        if in_command(frame):
            raise KeyboardInterrupt
        # It landed in bookkeeping (or an import), where raising could break state: a long
        # command would run on. Ask again shortly, as long as the evaluation lasts.
        threading.Timer(0.05, again, args=(evaluation,)).start()

    def again(evaluation):
        if interp.canceller.current() == evaluation:
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
    signal.signal(signal.SIGINT, handler)


class _CtrlC:
    """Where a Ctrl-C outside Tcl raises KeyboardInterrupt: only where the CLI catches it (the
    prompt waiting for a line, a script's run). Elsewhere, a Ctrl-C that came as a command ended
    is dropped, as the interpreter drops one that came as an evaluation ended: raised while the
    prompt printed the result, it ended the CLI with a traceback."""

    raises = False

    @contextlib.contextmanager
    def caught(self):
        before, self.raises = self.raises, True
        try:
            yield
        finally:
            self.raises = before


_CTRL_C = _CtrlC()


def _say_interrupted():
    """What a Ctrl-C that stopped a command prints, after what the command wrote."""
    sys.stdout.flush()
    sys.stderr.write("interrupted\n")


def _run(interp, script):
    """Run a whole script as tclsh would; the process's exit status: `exit N` gives N (even
    under `catch`), an uncaught error or Ctrl-C 1."""
    try:
        with _CTRL_C.caught():
            interp.eval(script)
            status = 0
            leave_job()                     # a launched worker waits for its peers to end
    except TorchTclExit as e:
        status = e.code
    except TorchTclError as e:
        _report(e)
        status = 1
    except KeyboardInterrupt:               # Ctrl-C just before or after Tcl ran
        _say_interrupted()
        status = 1
    return _ending(interp, status)


def _ending(interp, status):
    """End the process with `status` as tclsh does: what the script wrote is flushed, to channels
    it left open too, and nothing else runs. Python's own shutdown would take about half a second
    (its collector's passes over torch's objects), and a Ctrl-C that went through code torch ran
    with PyRun_String makes it end by SIGINT, whatever the status."""
    try:
        interp.tk.eval("foreach ch [chan names] {catch {::torchtcl::_flush $ch}}")
    except Exception:                       # noqa: BLE001 (a closed interpreter: nothing left)
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):      # a closed pipe: what was left cannot go anywhere
            pass
    os._exit(status & 0xFF)


def run_file(path, args):
    interp = _interpreter()
    _set_args(interp, path, args)
    interp.tk.call("set", "::tcl_interactive", 0)
    return _run(interp, "source $::argv0")    # `source` sets `info script` while the file runs


def run_text(script, args):
    """`torchtcl run -c SCRIPT ...`: a script handed over as text (what a launcher passes to
    each of its workers when there is no file to name)."""
    interp = _interpreter()
    _set_args(interp, "-c", args)
    interp.tk.call("set", "::tcl_interactive", 0)
    return _run(interp, script)


def launch(args):
    """`torchtcl launch`: the script in several processes, started by torch.distributed.run
    (torchrun) itself, each running `python -m torchtcl_kernel run ...` with RANK, WORLD_SIZE,
    MASTER_ADDR and MASTER_PORT set for torch::distributed_init. Each line a process prints comes
    prefixed with its rank (torchrun's --tee with its log line prefix template). If a process
    fails, torchrun stops the others and reports it; the status is then 1."""
    from torch.distributed import run as torchrun
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    os.environ.setdefault("TORCHELASTIC_LOG_LINE_PREFIX_TEMPLATE", "[rank${rank}]: ")
    os.environ.setdefault("OMP_NUM_THREADS", "1")     # torchrun's own choice, without its banner
    os.environ.setdefault("PYTHONUNBUFFERED", "1")    # each line shows as soon as it is printed
    argv = ["--nproc-per-node", str(args.nproc), "--nnodes", args.nnodes, "--tee", "3"]
    if args.rdzv_endpoint:
        argv += ["--rdzv-backend", "c10d", "--rdzv-endpoint", args.rdzv_endpoint,
                 "--rdzv-id", args.rdzv_id]
    if args.node_rank is not None:
        argv += ["--node-rank", str(args.node_rank)]
    script = ["-c", args.script] if args.script is not None else []
    rest = ([args.file] if args.file is not None else []) + args.args
    argv += ["--module", "torchtcl_kernel", "run", *script, *rest]
    # --tee writes each process's output to files too: kept only while the job runs
    with tempfile.TemporaryDirectory(prefix="torchtcl_launch_") as logs:
        try:
            torchrun.main(["--log-dir", logs, *argv])
        except ChildFailedError:            # torchrun has reported which rank failed and how
            return 1
    return 0


def run_stdin():
    interp = _interpreter()
    _set_args(interp, sys.argv[0], [])
    if not sys.stdin.isatty():
        interp.tk.call("set", "::tcl_interactive", 0)
        return _run(interp, sys.stdin.read())
    return repl(interp)


def repl(interp):
    interp.tk.call("set", "::tcl_interactive", 1)
    buffer = ""

    def end(status):
        save_history()
        return _ending(interp, status)
    save_history = _line_editing(interp, lambda: buffer, end)

    while True:
        try:
            with _CTRL_C.caught():
                line = input("% " if not buffer else "> ")
        except EOFError:
            sys.stdout.write("\n")
            return end(0)
        except KeyboardInterrupt:
            sys.stdout.write("\n")
            buffer = ""
            continue
        buffer += line + "\n"
        if not interp.tk.call("info", "complete", buffer):
            continue
        script, buffer = buffer, ""
        try:
            result = interp.eval(script)
        except TorchTclExit as e:
            return end(e.code)
        except TorchTclError as e:
            sys.stdout.flush()
            sys.stderr.write(e.message + "\n")
            continue
        except KeyboardInterrupt:
            _say_interrupted()
            continue
        if result:
            print(result)


def _history_file():
    """$TORCHTCL_HISTORY if set (empty: no history file), else ~/.torchtcl_history, as Python's
    own prompt keeps ~/.python_history."""
    path = os.environ.get("TORCHTCL_HISTORY")
    if path is None:
        return os.path.expanduser("~/.torchtcl_history")
    return path or None


def _serve_events(interp, end):
    """At the prompt, what Tcl's events run (an `after` script, a fileevent), evaluated as a typed
    command is: Ctrl-C stops it and `exit` in it ends the session (through end(status)). Its
    errors, the stop included, are Tcl's background errors, which Tcl reports; a Ctrl-C that
    comes between two events is "interrupted"."""
    try:
        interp.serve_events()
    except TorchTclExit as e:
        end(e.code)
    except KeyboardInterrupt:
        _say_interrupted()
    except TorchTclError as e:              # (interrupted other than by Ctrl-C)
        _report(e)


def _line_editing(interp, pending, end):
    """Line editing, history and Tab completion for the prompt, when Python has readline (input()
    then uses it), and Tcl's events served while it waits. `pending()` is the incomplete command
    typed so far, for completion; end(status) ends the session. Returns the function that saves
    the history, to call before the process ends (it ends by os._exit, so no atexit hook would
    run)."""
    try:
        import readline
    except ImportError:                     # e.g. Windows, or a Python built without it
        return lambda: None
    # Tcl's events served while readline waits, which sees Ctrl-C at once (tkinter's own hook
    # waited for the next key to see it; see _tclbridge.c)
    _tclbridge.serve_at_prompt(lambda: _serve_events(interp, end))
    from .introspect import Introspector
    introspector = Introspector(interp)
    matches = []

    def complete(text, state):
        # readline asks with state 0, 1, ... until None; the matches are found once, at 0.
        if state == 0:
            matches[:] = []
            try:
                code = pending() + readline.get_line_buffer()[:readline.get_endidx()]
                found, start, _ = introspector.complete(code, len(code))
            except Exception:               # noqa: BLE001 (Tab must never end the session)
                return None
            # The introspector replaces code[start:]; readline replaces `text`, its last part.
            before = len(code) - start - len(text)
            matches[:] = [m[before:] if before >= 0 else text[:-before] + m for m in found]
            if len(matches) == 1:           # a whole word: go on to the next (Python's readline
                matches[0] += " "           # module turned off readline's own space)
        return matches[state] if state < len(matches) else None

    # Tcl's word boundaries, so that `torch::`, `$name` and `-option` complete as one word.
    readline.set_completer_delims(" \t\n[]{};\"")
    readline.set_completer(complete)
    if "libedit" in (readline.__doc__ or ""):
        readline.parse_and_bind("bind ^I rl_complete")
    else:
        readline.parse_and_bind("tab: complete")
    path = _history_file()
    readline.set_history_length(HISTORY_LENGTH)
    if path:
        try:
            readline.read_history_file(path)
        except OSError:                     # none yet, or unreadable: start with an empty one
            pass

    def save():
        if not path:
            return
        try:
            readline.write_history_file(path)
        except OSError as e:
            sys.stderr.write(f"torchtcl: history not saved to {path}: {e.strerror}\n")
    return save


def install(args):
    from . import kernelspec
    try:
        where = kernelspec.install(**_location(args, default_user=True))
    except OSError as e:                    # e.g. no permission to write the system's directory
        sys.stderr.write(f"torchtcl install: {e}\n")
        return 1
    print(f"Installed kernelspec {kernelspec.NAME} in {where}")
    return 0


def uninstall(args):
    from . import kernelspec
    try:
        where = kernelspec.uninstall(**_location(args, default_user=False))
    except (kernelspec.NotInstalled, OSError) as e:
        sys.stderr.write(f"torchtcl uninstall: {e}\n")
        return 1
    print(f"Removed kernelspec {kernelspec.NAME} from {where}")
    return 0


def _location(args, default_user):
    """kernelspec.install/uninstall's arguments for --user, --sys-prefix, --prefix P or none."""
    if args.prefix is not None:
        return {"prefix": args.prefix}
    if args.sys_prefix:
        return {"prefix": sys.prefix}
    return {"user": args.user or default_user}


def _parser():
    parser = argparse.ArgumentParser(
        prog="torchtcl", formatter_class=argparse.RawDescriptionHelpFormatter,
        description=__doc__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers = {}
    run = subparsers["run"] = commands.add_parser(
        "run", prog="torchtcl run", help="run a Tcl script, as tclsh does",
        description="Run FILE.tcl with its args in $argv, as tclsh does.")
    run.add_argument("file", metavar="FILE.tcl")
    # Everything after the file is the script's, options included (`run x.tcl -h`).
    run.add_argument("args", metavar="arg", nargs=argparse.REMAINDER)
    launcher = subparsers["launch"] = commands.add_parser(
        "launch", prog="torchtcl launch", help="run a Tcl script in N processes (torchrun)",
        description="Run FILE.tcl (or -c SCRIPT) in N processes at once with torch.distributed.run "
                    "(torchrun); each joins the job with torch::distributed_init.")
    launcher.add_argument("-n", "--nproc-per-node", dest="nproc", type=int, default=1,
                          metavar="N", help="processes on this machine (default 1)")
    launcher.add_argument("--nnodes", default="1", help="machines in the job (default 1)")
    launcher.add_argument("--node-rank", type=int, help="this machine's number, from 0")
    launcher.add_argument("--rdzv-endpoint", metavar="HOST:PORT",
                          help="where the machines meet (torchrun's c10d rendezvous)")
    launcher.add_argument("--rdzv-id", default="torchtcl", help="the job's name at the endpoint")
    launcher.add_argument("-c", dest="script", metavar="SCRIPT", help="the script's text")
    launcher.add_argument("file", metavar="FILE.tcl", nargs="?")
    launcher.add_argument("args", metavar="arg", nargs=argparse.REMAINDER)
    spec = 'the Jupyter kernelspec "Tcl (torch)"'
    for name, summary, description, default in (
            ("install", f"install {spec}", f"Install {spec}.", " (the default)"),
            ("uninstall", f"remove {spec}",
             f"Remove {spec}; with no option, from where Jupyter finds it first.", "")):
        sub = subparsers[name] = commands.add_parser(name, prog=f"torchtcl {name}", help=summary,
                                                     description=description)
        where = sub.add_mutually_exclusive_group()
        where.add_argument("--user", action="store_true",
                           help=f"in your user's Jupyter data directory{default}")
        where.add_argument("--sys-prefix", action="store_true",
                           help="in this Python environment (sys.prefix), e.g. a venv")
        where.add_argument("--prefix", metavar="P", help="under P/share/jupyter/kernels")
    return parser, subparsers


def _streams_take_any_bytes():
    """Text through the terminal as tclsh passes it, whatever the locale makes of Python's
    streams (strict UTF-8 on most desktops): a lone surrogate Tcl holds, which tkinter gives as
    its bytes escaped, is written as those bytes, and a typed line that is not UTF-8 reaches the
    interpreter (a Tcl error there), where a strict stream ended the session with a traceback.
    This is what Python's own UTF-8 mode does (surrogateescape)."""
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="surrogateescape")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    _streams_take_any_bytes()
    if not argv:
        return run_stdin()
    if argv[:2] == ["run", "-c"] and len(argv) > 2:
        return run_text(argv[2], argv[3:])
    if argv[0] not in ("run", "launch", "install", "uninstall") and not argv[0].startswith("-"):
        return run_file(argv[0], argv[1:])      # `torchtcl FILE.tcl ...`, as tclsh
    parser, subparsers = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:                               # argparse leaves these to the top level's usage
        subparsers.get(args.command, parser).error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "install":
        return install(args)
    if args.command == "uninstall":
        return uninstall(args)
    if args.command == "launch":
        if args.script is None and args.file is None:
            subparsers["launch"].error("a FILE.tcl or -c SCRIPT is required")
        return launch(args)
    return run_file(args.file, args.args)


if __name__ == "__main__":
    sys.exit(main())
