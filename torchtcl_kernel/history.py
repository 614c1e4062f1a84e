"""The Tcl kernel's own input history: a SQLite file of its own, not IPython's profile database
(where Python kernels and IPython would offer Tcl cells back), and `history_request` answered
from it as the messaging spec says.

IPython's HistoryManager keeps the file (sessions, a background writer, glob search); this module
only points it elsewhere and fixes what assumes Python.
"""

import os
import pathlib
import re

from ipykernel.zmqshell import ZMQInteractiveShell
from IPython.core.history import HistoryManager
from jupyter_core.paths import jupyter_data_dir

from .request_fields import BadRequest, count, text
from .shown import shown

# (the CLI's readline history is $TORCHTCL_HISTORY, a file of another format)
ENV = "TORCHTCL_KERNEL_HISTORY"
OUTPUT_LIMIT = 10_000       # characters of a cell's result the history keeps


def history_file():
    """$TORCHTCL_KERNEL_HISTORY if set (empty: kept in memory only, for the kernel's life), else
    JUPYTER_DATA_DIR/torchtcl/history.sqlite."""
    path = os.environ.get(ENV)
    if path is None:
        path = os.path.join(jupyter_data_dir(), "torchtcl", "history.sqlite")
    if not path:
        return ":memory:"
    path = pathlib.Path(path)     # (IPython renames a corrupt file aside: it wants a Path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass        # IPython then fails to open it, says so, and keeps the history in memory
    return path


class TclHistory(HistoryManager):
    # IPython leaves out cells that are a Python `exit`/`quit`. Tcl's exit ends a cell like any
    # other command; leaving it out would also shift every later line of the current session's
    # range (kept as a list, its index being the line number) off its execution count.
    _exit_re = re.compile(r"(?!)")

    def _get_range_session(self, start=1, stop=None, raw=True, output=False):
        # IPython numbers the current session 0 here, while tail and search give its number:
        # give it everywhere, so the same cell reads the same in every reply. Lines start at 1
        # (index 0 of IPython's list is a placeholder).
        start = 1 if start == 0 else start
        for _, line, entry in super()._get_range_session(start, stop, raw, output):
            yield self.session_number, line, entry

    def store_result(self, line, text):
        """A cell's text/plain result: `output` in history replies (and kept in the file), its
        first OUTPUT_LIMIT characters (a cell may return megabytes: a long curve, a file)."""
        self.output_hist_reprs[line] = shown(text, OUTPUT_LIMIT)
        self.store_output(line)


class TclShell(ZMQInteractiveShell):
    """ipykernel's shell (display, comms), with the history above."""

    def init_history(self):
        self.history_manager = TclHistory(shell=self, parent=self, hist_file=history_file(),
                                          db_log_output=True)
        self.configurables.append(self.history_manager)


def query(manager, hist_access_type=None, output=False, raw=True, session=0, start=1,
          stop=None, n=None, pattern="*", unique=False):
    """The entries a history_request asks for, as (session, line, input) or
    (session, line, (input, output)) tuples. Raises BadRequest for a malformed request."""
    output, raw, unique = bool(output), bool(raw), bool(unique)
    n = count(n, "n", negative=False)
    if hist_access_type == "tail":
        return list(manager.get_tail(10 if n is None else n, raw=raw, output=output,
                                     include_latest=True))
    if hist_access_type == "range":
        return list(manager.get_range(count(session, "session", 0), count(start, "start", 1),
                                      count(stop, "stop"), raw=raw, output=output))
    if hist_access_type == "search":
        return list(manager.search(text(pattern, "pattern"), raw=raw, output=output, n=n,
                                   unique=unique))
    raise BadRequest(f'hist_access_type must be "tail", "range" or "search", '
                     f"not {hist_access_type!r}")
