"""How much of a long text the notebook frontends show: a cell's result or error, a %tcl result or
error, the value of a variable under Shift-Tab (and, with a smaller limit, what the kernel's
history keeps).

Tcl values can be hundreds of megabytes of text (`torch::tensor_to_list` of ten million numbers is
200 MB). Measured in JupyterLab with Chromium, a 24 MB result took 5.7 s to appear and a 120 MB
one crashed the browser tab, and a saved notebook holding it crashes it again when reopened. So a
frontend shows the first SHOWN_LIMIT characters and says how long the whole is; the value itself
stays whole in Tcl. The CLI, a terminal like tclsh's, prints results whole.
"""

import re

SHOWN_LIMIT = 1_000_000     # characters (about 0.5 s to appear in JupyterLab)


def shown(text, limit=SHOWN_LIMIT):
    """text as a notebook shows it: whole up to `limit` characters, else its start and a line
    saying how long the whole value is; as Unicode text in either case (printable)."""
    if len(text) <= limit:
        return printable(text)
    return (f"{printable(text[:limit])}\n… (shown: the first {limit} of {len(text)} characters; "
            "the value is whole in Tcl: write it to a file to read all of it)")


# Tcl holds lone surrogates (`format %c 0xD800`, "\uDC00"), which Unicode text cannot: tkinter
# gives one as the three UTF-8 bytes of its code point, each escaped as a surrogate of its own
# (surrogateescape), and so does the bridge. Messages to a frontend are UTF-8, and the history's
# SQLite refuses such text (IPython's writer then stops saving for the rest of the session).
_LONE = re.compile("[\ud800-\udfff]")
_ESCAPED = re.compile("[\udc80-\udcff]+")


def _as_written(escaped):
    """A run of escaped bytes as what they encode (a lone surrogate's bytes give that surrogate),
    or as U+FFFD each where they encode nothing."""
    raw = escaped.group().encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def printable(text):
    """text with each character Unicode text cannot hold (a lone surrogate of Tcl's, or of
    Python's) as U+FFFD, the replacement character."""
    if text.isascii() or not _LONE.search(text):     # (a search: no copy of a long text)
        return text
    return _LONE.sub("\ufffd", _ESCAPED.sub(_as_written, text))
