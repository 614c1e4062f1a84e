"""The Jupyter kernel: each cell is Tcl, run in one persistent TorchTcl interpreter.

Built on ipykernel's IPythonKernel for the protocol, the comm manager (ipywidgets) and rich display;
only the language side is replaced: execute, complete, inspect, is_complete, interrupt.
"""

import re
import sys
import tkinter

import torch
from IPython.display import HTML, Image, Markdown, clear_output, display
from ipykernel.ipkernel import IPythonKernel

from . import __version__
from .core import CommandError, TorchTcl, TorchTclError
from .introspect import Introspector
from .widgets.dashboard import LiveDashboard
from .widgets.explorer import LiveExplorer



class TorchTclKernel(IPythonKernel):
    implementation = "torchtcl"
    implementation_version = __version__
    language_info = {
        "name": "tcl",
        "version": tkinter.TclVersion,
        "mimetype": "text/x-tcl",
        "file_extension": ".tcl",
        "pygments_lexer": "tcl",
        "codemirror_mode": "tcl",
    }
    help_links = []      # the docs live in the repository (docs/); no hosted copy to link to

    @property
    def banner(self):
        return (f"Tcl {self.tcl.tk.eval('info patchlevel')} with the torch:: commands "
                f"(torchtcl_kernel {__version__}, PyTorch {torch.__version__})")

    @property
    def kernel_info(self):
        info = super().kernel_info
        # One Tcl interpreter lives on one thread: no subshells, and no Python debugger for Tcl.
        info["supported_features"] = []
        return info

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._silent = False
        self._last_stream = None
        self.tcl = TorchTcl(stdout=self._puts_stdout, stderr=self._puts_stderr)
        self.tcl.exit_handler = self._exit
        self.introspector = Introspector(self.tcl)
        self.tcl.dashboard = LiveDashboard(self.tcl)
        self.tcl.explorer = LiveExplorer()
        self.language_info = {**self.language_info, "version": self.tcl.tk.eval("info patchlevel")}
        self.tcl.tk.eval("namespace eval ::jupyter {}")
        self.tcl.add_command("::jupyter::html", lambda html: self._display(HTML(html)))
        self.tcl.add_command("::jupyter::markdown", lambda text: self._display(Markdown(text)))
        self.tcl.add_command("::jupyter::image", lambda path: self._display(Image(filename=path)))
        self.tcl.add_command("::jupyter::clear_output", lambda *wait: clear_output(bool(wait)))

    def _display(self, obj):
        display(obj)
        return ""

    # --- output -------------------------------------------------------------------------------
    def _write(self, stream, other, text):
        if self._silent:
            return
        if self._last_stream is other:
            other.flush()           # keep stdout and stderr in the order puts wrote them
        self._last_stream = stream
        stream.write(text)

    def _puts_stdout(self, text):
        self._write(sys.stdout, sys.stderr, text)

    def _puts_stderr(self, text):
        self._write(sys.stderr, sys.stdout, text)

    def _exit(self, code):
        # `exit` ends a tclsh script; here it ends the cell and keeps the kernel (and its state).
        raise CommandError(f"exit {code}", "EXIT")

    # --- execute ------------------------------------------------------------------------------
    async def do_execute(self, code, silent, store_history=True, user_expressions=None,
                         allow_stdin=False, *, cell_meta=None, cell_id=None):
        count = self.shell.execution_count
        if store_history and not silent:
            self.shell.history_manager.store_inputs(count, code)
            self.shell.execution_count += 1
        self._silent = silent
        try:
            result = self.tcl.eval(code)
        except TorchTclError as e:
            if e.error_code.split()[:2] == ["TORCHTCL", "EXIT"]:
                result = ""
            else:
                return self._error(count, e, silent)
        except KeyboardInterrupt:
            return self._error(count, TorchTclError("interrupted", "TORCHTCL INTERRUPT",
                                                    "interrupted"), silent)
        finally:
            self.tcl.dashboard.cell_finished()
            self._flush()
            self._silent = False
        if result and not silent:
            self.send_response(self.iopub_socket, "execute_result", {
                "execution_count": count, "data": {"text/plain": result}, "metadata": {}})
        return {"status": "ok", "execution_count": count, "payload": [],
                "user_expressions": self._user_expressions(user_expressions or {})}

    def _flush(self):
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        self._last_stream = None

    def _error(self, count, error, silent):
        code = error.error_code.split()
        if code[:2] == ["TORCHTCL", "INTERRUPT"]:
            ename = "KeyboardInterrupt"
        elif code and code[0] != "NONE":
            ename = " ".join(code[:2])
        else:
            ename = "TclError"
        content = {"ename": ename, "evalue": error.message,
                   "traceback": (error.error_info or error.message).split("\n")}
        if not silent:
            self.send_response(self.iopub_socket, "error", content)
        return {"status": "error", "execution_count": count, **content}

    def _user_expressions(self, expressions):
        out = {}
        for name, script in expressions.items():
            try:
                out[name] = {"status": "ok", "data": {"text/plain": self.tcl.eval(script)},
                             "metadata": {}}
            except TorchTclError as e:
                out[name] = {"status": "error", "ename": "TclError", "evalue": e.message,
                             "traceback": e.error_info.split("\n")}
        return out

    # --- language services ----------------------------------------------------------------------
    def do_complete(self, code, cursor_pos):
        cursor_pos = len(code) if cursor_pos is None else cursor_pos
        matches, start, end = self.introspector.complete(code, cursor_pos)
        return {"status": "ok", "matches": matches, "cursor_start": start, "cursor_end": end,
                "metadata": {}}

    def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        text = self.introspector.inspect(code, len(code) if cursor_pos is None else cursor_pos)
        if text is None:
            return {"status": "ok", "found": False, "data": {}, "metadata": {}}
        return {"status": "ok", "found": True, "data": {"text/plain": text}, "metadata": {}}

    def do_is_complete(self, code):
        tk = self.tcl.tk
        if not tk.call("info", "complete", code):
            depth = max(code.count("{") - code.count("}"), 1)
            return {"status": "incomplete", "indent": "    " * depth}
        # Compiling (without running) turns a syntax error such as "extra characters after
        # close-quote" into a `syntax` instruction.
        listing = tk.call("::tcl::unsupported::disassemble", "script", code)
        if re.search(r"\(\d+\) syntax ", listing):
            return {"status": "invalid"}
        return {"status": "complete"}

    async def interrupt_request(self, stream, ident, parent):
        self.tcl.interrupt()                 # a pure-Tcl loop: Tcl unwinds it
        await super().interrupt_request(stream, ident, parent)   # Python code: SIGINT
