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

from .core import TorchTcl, TorchTclError

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
    from .widgets.plot import attach_headless
    interp = attach_headless(TorchTcl())
    _ctrl_c_stops_tcl(interp)
    return interp


def _ctrl_c_stops_tcl(interp):
    """Ctrl-C stops a running script, even a pure-Tcl loop, as in tclsh.

    While Tcl loops no Python runs, so a Python handler alone would wait for the loop to end. The
    signal also lands on a wakeup pipe; a thread reading it asks Tcl to unwind the evaluation,
    which then fails with "interrupted". At the prompt, Ctrl-C still clears the line.
    """
    if threading.current_thread() is not threading.main_thread():
        return
    read_end, write_end = os.pipe()
    os.set_blocking(write_end, False)
    signal.set_wakeup_fd(write_end)

    def handler(signum, frame):
        if not interp.depth:
            raise KeyboardInterrupt

    def watch():
        while True:
            if signal.SIGINT in os.read(read_end, 64):
                interp.interrupt()
    signal.signal(signal.SIGINT, handler)
    threading.Thread(target=watch, daemon=True).start()


def run_file(path, args):
    interp = _interpreter()
    _set_args(interp, path, args)
    interp.tk.call("set", "::tcl_interactive", 0)
    try:
        interp.eval("source $::argv0")     # `source` sets `info script` while the file runs
    except TorchTclError as e:
        _report(e)
        return 1
    return 0


def run_stdin():
    interp = _interpreter()
    _set_args(interp, sys.argv[0], [])
    if not sys.stdin.isatty():
        interp.tk.call("set", "::tcl_interactive", 0)
        try:
            interp.eval(sys.stdin.read())
        except TorchTclError as e:
            _report(e)
            return 1
        return 0
    return repl(interp)


def repl(interp):
    interp.tk.call("set", "::tcl_interactive", 1)
    buffer = ""
    while True:
        try:
            line = input("% " if not buffer else "> ")
        except EOFError:
            sys.stdout.write("\n")
            return 0
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
