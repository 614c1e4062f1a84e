"""How much of a long text the notebook frontends show: a cell's result or error, a %tcl result or
error, the value of a variable under Shift-Tab (and, with a smaller limit, what the kernel's
history keeps).

Tcl values can be hundreds of megabytes of text (`torch::tensor_to_list` of ten million numbers is
200 MB). Measured in JupyterLab with Chromium, a 24 MB result took 5.7 s to appear and a 120 MB
one crashed the browser tab, and a saved notebook holding it crashes it again when reopened. So a
frontend shows the first SHOWN_LIMIT characters and says how long the whole is; the value itself
stays whole in Tcl. The CLI, a terminal like tclsh's, prints results whole.
"""

SHOWN_LIMIT = 1_000_000     # characters (about 0.5 s to appear in JupyterLab)


def shown(text, limit=SHOWN_LIMIT):
    """text as a notebook shows it: whole up to `limit` characters, else its start and a line
    saying how long the whole value is."""
    if len(text) <= limit:
        return text
    return (f"{text[:limit]}\n… (shown: the first {limit} of {len(text)} characters; the value "
            "is whole in Tcl: write it to a file to read all of it)")
