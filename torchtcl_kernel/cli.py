"""`torchtcl`: run Tcl scripts with the torch:: commands, like tclsh.

    torchtcl run FILE.tcl ?arg ...?   run a script (argv0/argv/argc and `info script` set)
    torchtcl FILE.tcl ?arg ...?       the same
    torchtcl                          read a script from stdin (an interactive prompt on a terminal)
    torchtcl install ?--user | --sys-prefix | --prefix P?
                                      install the Jupyter kernelspec "Tcl (torch)"
"""

import os
import signal
import sys
import threading

from .core import TorchTcl, TorchTclError, TorchTclExit
from .core.cancel import in_command

USAGE = __doc__.split("\n\n", 1)[1]


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
    _ctrl_c_stops_tcl(interp)
    return interp


def _ctrl_c_stops_tcl(interp):
    """Ctrl-C stops a running script, even a pure-Tcl loop, as in tclsh.

    While Tcl loops no Python runs, so a Python handler alone would wait for the loop to end. The
    signal also lands on a wakeup pipe; a thread reading it asks Tcl to unwind the evaluation,
    which then fails with "interrupted". Tcl only checks between commands, though: a long
    Python-side command is stopped by the handler, which raises KeyboardInterrupt in it (the
    command then fails with "interrupted", as in the kernel). At the prompt, Ctrl-C still clears
    the line.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    signal.set_wakeup_fd(write_end)

    def handler(signum, frame):
        if not interp.depth:
            raise KeyboardInterrupt
        interp.interrupt()                  # first, so that no `catch` can go on after the error
        if in_command(frame):
            raise KeyboardInterrupt
        # It landed in bookkeeping (or an import), where raising could break state: a long
        # command would run on. Ask again shortly, as long as the evaluation lasts.
        threading.Timer(0.05, again).start()

    def again():
        if interp.depth:
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    def watch():
        while True:
            if signal.SIGINT in os.read(read_end, 64):
                interp.interrupt()
    signal.signal(signal.SIGINT, handler)
    threading.Thread(target=watch, daemon=True).start()


def _run(interp, script):
    """Run a whole script as tclsh would; the process's exit status: `exit N` gives N (even
    under `catch`), an uncaught error or Ctrl-C 1."""
    try:
        interp.eval(script)
        status = 0
    except TorchTclExit as e:
        status = e.code
    except TorchTclError as e:
        _report(e)
        status = 1
    except KeyboardInterrupt:               # Ctrl-C just before or after Tcl ran
        sys.stdout.flush()
        sys.stderr.write("interrupted\n")
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
    while True:
        try:
            line = input("% " if not buffer else "> ")
        except EOFError:
            sys.stdout.write("\n")
            return _ending(interp, 0)
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
            return _ending(interp, e.code)
        except TorchTclError as e:
            sys.stdout.flush()
            sys.stderr.write(e.message + "\n")
            continue
        except KeyboardInterrupt:
            sys.stderr.write("interrupted\n")
            continue
        if result:
            print(result)


def install(args):
    from .kernelspec import install as install_spec
    if args in ([], ["--user"]):
        where = install_spec(user=True)
    elif args == ["--sys-prefix"]:
        where = install_spec(prefix=sys.prefix)
    elif len(args) == 2 and args[0] == "--prefix":
        where = install_spec(prefix=args[1])
    else:
        sys.stderr.write("usage: torchtcl install ?--user | --sys-prefix | --prefix PREFIX?\n")
        return 2
    print(f"Installed kernelspec torchtcl in {where}")
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        return run_stdin()
    if argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    if argv[0] == "install":
        return install(argv[1:])
    if argv[0] == "run":
        if len(argv) < 2:
            sys.stderr.write("usage: torchtcl run FILE.tcl ?arg ...?\n")
            return 2
        return run_file(argv[1], argv[2:])
    return run_file(argv[0], argv[1:])


if __name__ == "__main__":
    sys.exit(main())
