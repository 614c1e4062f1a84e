"""The Jupyter kernel: each cell is Tcl, run in one persistent TorchTcl interpreter.

Built on ipykernel's IPythonKernel for the protocol, the comm manager (ipywidgets) and rich display;
only the language side is replaced: execute, complete, inspect, is_complete, interrupt.
"""

import _thread
import asyncio
import datetime
import functools
import html
import os
import re
import signal
import sys
import threading
import time
import tkinter
import traceback

import torch
from ipykernel.ipkernel import IPythonKernel
from IPython.display import HTML, Image, Markdown, clear_output, display
from tornado import ioloop
from traitlets import Type

from . import __version__, request_fields
from .commands.nn import summary
from .core import TorchTcl, TorchTclError, TorchTclExit
from .core.cancel import in_command
from .core.types import dtype_label
from .history import TclShell
from .history import query as history_query
from .introspect import Introspector, tensor_text
from .shown import shown
from .widgets import attach_live

# Requests whose handlers use Tcl (or the history, which the cells' thread writes). ipykernel
# also takes them on the control channel, and runs those in its control thread; a Tcl
# interpreter only works in the thread that made it.
_TCL_REQUESTS = ("execute_request", "complete_request", "inspect_request", "is_complete_request",
                 "history_request")
# The fields ipykernel's handlers of these requests read without a default: one missing, they log
# "bad msg" and send no reply, so the kernel checks them first (_checked).
_REQUIRED = {"execute_request": ("code",), "complete_request": ("code", "cursor_pos"),
             "inspect_request": ("code", "cursor_pos"), "is_complete_request": ("code",)}
# How an interrupt reaches a Python-side command: a signal handled in the interpreter's thread
# (see _on_interrupt_signal). Not SIGINT, whose handler ipykernel swaps around each request.
_INTERRUPT_SIGNAL = signal.SIGUSR2


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
    shell_class = Type(TclShell)     # ipykernel's, with a history of the kernel's own

    @property
    def banner(self):
        return self._banner

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
        self.interp = TorchTcl(stdout=self._puts_stdout, stderr=self._puts_stderr)
        self.interp.exit_handler = self._exit
        self.interp.read_stdin_from(self._stdin_line)
        self.introspector = Introspector(self.interp)
        attach_live(self.interp)
        self.language_info = {**self.language_info,
                              "version": self.interp.tk.eval("info patchlevel")}
        # Made here, once: kernel_info is also asked on the control channel, in its own thread,
        # where Tcl must not be called.
        self._banner = (f"Tcl {self.language_info['version']} with the torch:: commands "
                        f"(torchtcl_kernel {__version__}, PyTorch {torch.__version__})")
        self.interp.tk.eval("namespace eval ::jupyter {}")
        self.interp.add_command("::jupyter::html", lambda html: self._display(HTML(html)))
        self.interp.add_command("::jupyter::markdown", lambda text: self._display(Markdown(text)))
        self.interp.add_command("::jupyter::image",
                                lambda path: self._display(Image(filename=path)))
        self.interp.add_command("::jupyter::clear_output", lambda *wait: clear_output(bool(wait)))
        self._tcl_thread = threading.current_thread()
        for msg_type, fields in _REQUIRED.items():
            self.shell_handlers[msg_type] = self._checked(msg_type, fields)
        for msg_type in _TCL_REQUESTS:
            self.control_handlers[msg_type] = functools.partial(self._on_tcl_thread, msg_type)
        self._interrupt_for = None          # the evaluation the last interrupt was for
        self._cell_header = {}              # the header of the execute_request running last
        if self._tcl_thread is threading.main_thread():
            signal.signal(_INTERRUPT_SIGNAL, self._on_interrupt_signal)

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
        # `exit` ends a tclsh script; here it ends the cell, even under `catch` (TorchTcl.eval
        # unwinds it and raises TorchTclExit), and keeps the kernel and its state; jupyter
        # console leaves (the reply's ask_exit). What the cell wrote so far goes out first, as
        # tclsh flushes when it exits.
        self._flush()

    def _stdin_line(self):
        """A line the user types into the notebook's input box, for `gets stdin` (what input()
        has in a Python kernel). EOFError where the request allows no input (nbclient) or the
        user sends an end of file (Ctrl-D in jupyter console). ipykernel's raw_input waits
        inside zmq, where an interrupt is not raised (_LIBRARIES): this loop checks for one
        itself. A message on the stdin channel that cannot be read is skipped, as ipykernel
        skips it."""
        if not self._allow_stdin:
            raise EOFError
        self._flush()                       # the prompt the script wrote, before the box
        socket, session = self.stdin_socket, self.session
        while socket.poll(0):               # (replies to requests that were given up)
            socket.recv_multipart()
        session.send(socket, "input_request", {"prompt": "", "password": False},
                     self.get_parent("shell"),
                     ident=self._get_shell_context_var(self._shell_parent_ident))
        evaluation = self.interp.canceller.current()
        while True:
            if evaluation is not None and self._interrupt_for == evaluation:
                raise KeyboardInterrupt
            if socket.poll(50):
                try:
                    _, reply = session.recv(socket)
                except Exception:
                    self.log.warning("an unreadable message on the stdin channel", exc_info=True)
                    continue
                if reply is not None:
                    break
        value = reply["content"].get("value") if isinstance(reply["content"], dict) else None
        if value == "\x04":
            raise EOFError
        return value if isinstance(value, str) else ""

    # --- execute ------------------------------------------------------------------------------
    async def do_execute(self, code, silent, store_history=True, user_expressions=None,
                         allow_stdin=False, *, cell_meta=None, cell_id=None):
        count = self.shell.execution_count
        self._cell_header = self.get_parent("shell").get("header") or {}   # (see _sent_before)
        try:
            code = request_fields.text(code, "code")
            user_expressions = request_fields.expressions(user_expressions)
        except request_fields.BadRequest as e:          # (nothing run, nothing counted)
            return {"execution_count": count, **request_fields.reply(e)}
        try:
            return await self._do_execute(code, silent, store_history, user_expressions,
                                          allow_stdin)
        except Exception as e:              # a bug of ours: the cell still gets its reply
            self.log.error("execute failed", exc_info=True)
            return self._error(count, _internal(e), silent)

    async def _do_execute(self, code, silent, store_history, user_expressions, allow_stdin):
        count = self.shell.execution_count
        if store_history and not silent:
            self.shell.history_manager.store_inputs(count, code)
            self.shell.execution_count += 1
        self._silent, self._allow_stdin = silent, bool(allow_stdin)
        payload = []
        try:
            result = self.interp.eval(code)
        except TorchTclError as e:
            if isinstance(e, TorchTclExit):
                result = ""                  # the cell ends here, with status ok
                # and a console leaves, as IPython's exit asks (notebooks ignore the payload).
                # keepkernel: a console attached to a running kernel (--existing, a notebook's)
                # leaves it running; one that started its own still shuts it down.
                if not silent:
                    payload = [{"source": "ask_exit", "keepkernel": True}]
            else:
                return self._error(count, e, silent)
        except KeyboardInterrupt:
            return self._error(count, TorchTclError("interrupted", "TORCHTCL INTERRUPT",
                                                    "interrupted"), silent)
        finally:
            self.interp.dashboard.cell_finished()
            self._flush()
            self._silent = self._allow_stdin = False
        if result and not silent:
            data = {"text/plain": shown(result)}
            if self.interp.store.handles.get(result) is not None:
                data.update(self._handle_html(result))
            self.send_response(self.iopub_socket, "execute_result", {
                "execution_count": count, "data": data, "metadata": {}})
            if store_history:
                self.shell.history_manager.store_result(count, result)
        return {"status": "ok", "execution_count": count, "payload": payload,
                "user_expressions": self._user_expressions(user_expressions)}

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
        content = {"ename": ename, **_error_text(error)}
        if not silent:
            self.send_response(self.iopub_socket, "error", content)
        return {"status": "error", "execution_count": count, **content}

    def _user_expressions(self, expressions):
        out = {}
        for name, script in expressions.items():
            try:
                script = request_fields.text(script, f"user_expressions[{name!r}]")
                out[name] = {"status": "ok", "metadata": {},
                             "data": {"text/plain": shown(self.interp.eval(script))}}
            except request_fields.BadRequest as e:
                out[name] = request_fields.reply(e)
            except Exception as e:
                e = e if isinstance(e, TorchTclError) else _internal(e)
                out[name] = {"status": "error", "ename": "TclError", **_error_text(e)}
        return out

    # --- language services ----------------------------------------------------------------------
    # Each replies, whatever happens: an error reply rather than none.
    def do_complete(self, code, cursor_pos):
        try:
            code = request_fields.text(code, "code")
            cursor_pos = request_fields.cursor(code, cursor_pos)
            matches, start, end = self.introspector.complete(code, cursor_pos)
        except Exception as e:
            return self._failed("complete", e)
        return {"status": "ok", "matches": matches, "cursor_start": start, "cursor_end": end,
                "metadata": {}}

    def do_inspect(self, code, cursor_pos, detail_level=0, omit_sections=()):
        try:
            code = request_fields.text(code, "code")
            text = self.introspector.inspect(code, request_fields.cursor(code, cursor_pos))
        except Exception as e:
            return self._failed("inspect", e)
        if text is None:
            return {"status": "ok", "found": False, "data": {}, "metadata": {}}
        return {"status": "ok", "found": True, "data": {"text/plain": text}, "metadata": {}}

    def _handle_html(self, name):
        """text/html beside a cell result that is a tensor or model handle; nothing for another
        kind, or where the summary fails (the result is shown as text, as before)."""
        handle = self.interp.store.handles[name]
        view = {"tensor": tensor_html, "module": module_html}.get(handle.kind)
        if view is None:
            return {}
        try:
            return {"text/html": view(name, handle.obj)}
        except Exception:
            self.log.warning("no HTML summary of %s", name, exc_info=True)
            return {}

    async def do_history(self, hist_access_type=None, output=False, raw=True, session=0,
                         start=1, stop=None, n=None, pattern="*", unique=False, **kwargs):
        try:
            entries = history_query(self.shell.history_manager, hist_access_type, output, raw,
                                    session, start, stop, n, pattern, unique)
        except Exception as e:
            return self._failed("history", e)
        return {"status": "ok", "history": entries}

    def do_is_complete(self, code):
        try:
            return self._is_complete(request_fields.text(code, "code"))
        except Exception as e:
            return self._failed("is_complete", e)

    def _failed(self, what, error):
        """The error reply of a request that failed: a malformed one's (no traceback), or, where
        the failure is a bug of ours, with its traceback, logged too."""
        if isinstance(error, request_fields.BadRequest):
            return request_fields.reply(error)
        self.log.error("%s failed", what, exc_info=True)
        return {"status": "error", "ename": type(error).__name__, "evalue": str(error),
                "traceback": traceback.format_exception(error)}

    def _is_complete(self, code):
        tk = self.interp.tk
        if not tk.call("info", "complete", code):
            depth = max(code.count("{") - code.count("}"), 1)
            return {"status": "incomplete", "indent": "    " * depth}
        # Compiling (without running) turns a syntax error such as "extra characters after
        # close-quote" into a `syntax` instruction.
        listing = tk.call("::tcl::unsupported::disassemble", "script", code)
        if re.search(r"\(\d+\) syntax ", listing):
            return {"status": "invalid"}
        return {"status": "complete"}

    def _checked(self, msg_type, fields):
        """The shell handler of msg_type, after a check that the request holds these fields (its
        error reply if not)."""
        handler = self.shell_handlers[msg_type]

        async def checked(stream, ident, parent):
            error = request_fields.missing(parent.get("content"), fields)
            if error is None:
                return await handler(stream, ident, parent)
            content = request_fields.reply(error)
            if msg_type == "execute_request":
                content["execution_count"] = self.shell.execution_count
            self.session.send(stream, msg_type.replace("_request", "_reply"), content, parent,
                              ident=ident)
            return None
        return checked

    # --- the control channel ----------------------------------------------------------------
    async def _on_tcl_thread(self, msg_type, stream, ident, parent):
        """A request that needs Tcl, come on the control channel: run on the interpreter's thread
        (the shell's), as if it had come on the shell channel; replied on the control channel."""
        replies = _ReplyVia(stream, ioloop.IOLoop.current())
        done = asyncio.run_coroutine_threadsafe(self._as_shell(msg_type, replies, ident, parent),
                                                self.io_loop.asyncio_loop)
        # Wait without holding the control channel: what interrupts this very request comes
        # there too. ipykernel holds the lock around each control handler; take it back after.
        held = self._control_lock.locked()
        if held:
            self._control_lock.release()
        try:
            await asyncio.wrap_future(done)
        except Exception:
            self.log.error("control %s failed", msg_type, exc_info=True)
        finally:
            if held:
                await self._control_lock.acquire()
            self.set_parent(ident, parent, channel="control")    # for the idle status after

    async def _as_shell(self, msg_type, stream, ident, parent):
        async with self._main_asyncio_lock:     # one shell request at a time, as ipykernel does
            before = (self._get_shell_context_var(self._shell_parent_ident),
                      self.get_parent("shell"))
            self.set_parent(ident, parent, channel="shell")
            self.pre_handler_hook()
            try:
                await self.shell_handlers[msg_type](stream, ident, parent)
            finally:
                self.post_handler_hook()
                self.set_parent(*before, channel="shell")

    # --- interrupts ---------------------------------------------------------------------------
    # An interrupt stops the evaluation that ran when it was asked for, and never another one:
    # Tcl is asked to unwind that evaluation only (TorchTcl.interrupt(evaluation)), and a
    # KeyboardInterrupt is raised in Python code only inside a command of that evaluation, by a
    # handler that runs in the interpreter's thread and can check both. (ipykernel's own way, a
    # SIGINT to the whole process, lands wherever the main thread is once it is delivered: after
    # the cell, in the sending of its reply or in the next cell.)
    async def interrupt_request(self, stream, ident, parent):
        content = {"status": "ok"}
        try:
            evaluation = self.interp.canceller.current()
            if (evaluation is not None and not self._sent_before(parent["header"])
                    and self._interrupt(evaluation)):
                try:                         # programs the cell started (exec), as ipykernel does
                    self._signal_children(signal.SIGINT)
                except Exception:
                    self.log.warning("could not interrupt child processes", exc_info=True)
        except Exception as e:
            content = self._failed("interrupt", e)
        self.session.send(stream, "interrupt_reply", content, parent, ident=ident)

    def _sent_before(self, header):
        """Whether an interrupt was sent before the cell running now: then it was for an earlier
        one, and reached the control thread late (as under load). Only decidable when the same
        client (session) stamped both messages, with one clock."""
        cell = self._cell_header
        sent, started = header.get("date"), cell.get("date")
        return (cell.get("session") is not None and cell.get("session") == header.get("session")
                and isinstance(sent, datetime.datetime) and isinstance(started, datetime.datetime)
                and sent < started)

    def _interrupt(self, evaluation):
        """From any thread: stop `evaluation` if it still runs."""
        if not self.interp.interrupt(evaluation):
            return False
        self._interrupt_for = evaluation
        # A Python-side command runs on until the handler raises in it. The handler declines
        # where an exception could break the kernel's own state, so ask again until it ends.
        threading.Thread(target=self._nudge, args=(evaluation,), daemon=True).start()
        return True

    def _nudge(self, evaluation):
        while self.interp.canceller.current() == evaluation:
            _thread.interrupt_main(_INTERRUPT_SIGNAL)
            time.sleep(0.05)

    def _on_interrupt_signal(self, signum, frame):
        # In the interpreter's thread, between two bytecodes of whatever it runs.
        evaluation = self._interrupt_for
        if (evaluation is not None and evaluation == self.interp.canceller.current()
                and _in_command(frame)):
            raise KeyboardInterrupt

    def _on_sigint(self, signum, frame):
        # A SIGINT (interrupt_mode "signal"): for the evaluation running as it is handled.
        evaluation = self.interp.canceller.current()
        if evaluation is not None and self._interrupt(evaluation) and _in_command(frame):
            raise KeyboardInterrupt

    def pre_handler_hook(self):
        self.saved_sigint_handler = signal.signal(signal.SIGINT, self._on_sigint)


class _ReplyVia:
    """A stream for Session.send that sends on `stream` from the thread of `loop`, its owner."""

    def __init__(self, stream, loop):
        self._stream, self._loop = stream, loop

    def send_multipart(self, parts, copy=True, **kwargs):
        self._loop.add_callback(self._stream.send_multipart, parts, copy=copy)


PREVIEW_LINES = 12


def _error_text(error):
    """A TorchTclError's evalue and traceback as a frontend shows them (shown.py)."""
    return {"evalue": shown(error.message),
            "traceback": shown(error.error_info or error.message).split("\n")}


def tensor_html(name, tensor):
    """A tensor result's summary for a notebook: shape, dtype, device, and a clipped preview."""
    shape = "×".join(map(str, tensor.shape)) or "scalar"
    facts = [shape, dtype_label(tensor.dtype), str(tensor.device)]
    if tensor.requires_grad:
        facts.append("requires_grad")
    lines = tensor_text(tensor, threshold=100, edgeitems=3, linewidth=100).split("\n")
    if len(lines) > PREVIEW_LINES:
        lines = lines[:PREVIEW_LINES - 1] + ["…"]
    preview = "\n".join(lines)
    return (f'<div class="torchtcl-tensor"><code>{html.escape(name)}</code>: '
            f"{html.escape(', '.join(facts))}"
            f"<pre>{html.escape(preview)}</pre></div>")


def module_html(name, module):
    """A model result's summary for a notebook: a table of its layers with their parameter
    counts, and the totals (model_summary's rows; output shapes need an input: model_summary
    -inputShape gives them)."""
    total, trainable, rows = summary(module)
    cells = "".join(
        f"<tr><td><code>{html.escape(layer)}</code></td><td>{html.escape(kind)}</td>"
        f'<td style="text-align:right">{count:,}</td></tr>' for layer, kind, count, _ in rows)
    frozen = f", {total - trainable:,} frozen" if total != trainable else ""
    return (f'<div class="torchtcl-model"><code>{html.escape(name)}</code>: '
            f"{html.escape(type(module).__name__)}, {total:,} parameters{frozen}"
            "<table><thead><tr><th>layer</th><th>type</th><th>parameters</th></tr></thead>"
            f"<tbody>{cells}</tbody></table></div>")


def _internal(error):
    return TorchTclError(f"internal error: {type(error).__name__}: {error}", "TORCHTCL INTERNAL",
                         "".join(traceback.format_exception(error)))


# Nor in the libraries the kernel talks through (a message half sent, a lock half taken).
_LIBRARIES = tuple(os.path.dirname(m.__file__) + os.sep for m in (
    asyncio, ioloop, __import__("zmq"), __import__("jupyter_client"),
    __import__("ipykernel"), __import__("comm"), __import__("logging"),
    __import__("concurrent.futures").futures)) + tuple(
    m.__file__ for m in (threading, __import__("queue"), __import__("contextlib")))


def _in_command(frame):
    return in_command(frame, also=_LIBRARIES)
