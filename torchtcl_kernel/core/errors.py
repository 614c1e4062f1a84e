"""The error types that cross the Tcl/Python boundary."""

import re


class CommandError(Exception):
    """Raised by a converter or a command body; the dispatcher turns it into a Tcl error.

    `code` becomes the Tcl errorCode (a list of words), so scripts can `catch` and switch on it and
    the kernel can name the error (ename) after it.
    """

    def __init__(self, message, code="INVALID", detail=""):
        super().__init__(message)
        self.message = message
        self.code = code
        self.detail = detail    # kept when a command rewords the message (a wrong-kind handle)


class TorchTclError(Exception):
    """A Tcl error seen from Python: what `TorchTcl.eval` raises when a script fails."""

    def __init__(self, message, error_code="NONE", error_info=""):
        super().__init__(message)
        self.message = message
        self.error_code = error_code
        self.error_info = error_info

    def __str__(self):
        return self.message


class TorchTclExit(TorchTclError):
    """What `eval` raises after the script ran `exit`: the evaluation ended there, even inside
    `catch`, as `exit` ends tclsh. `code` is the exit status. The interpreter stays usable; the
    frontend decides what ending means (the CLI exits with the code, a notebook ends the cell)."""

    def __init__(self, code):
        super().__init__(f"exit {code}", f"TORCHTCL EXIT {code}", f"exit {code}")
        self.code = code


# --- Python and PyTorch errors in Tcl's words -----------------------------------------------
# A command's Python exception becomes its Tcl error message here (dispatch.py). The message says
# what was wrong in Tcl's terms; the original text, when it was reworded, goes to errorInfo only.

# Tcl's own words for these situations (its recursion limit, its number parsers).
NESTED = "too many nested evaluations (infinite loop?)"

# C++ provenance PyTorch appends (possibly inside a quoted inner message): the "Exception raised
# from" line and the stack frames after it.
_CPP_TRACE = re.compile(r"\n*Exception raised from [^\n]*(?:\n(?:frame #\d+:|<omitting python "
                        r"frames>)[^\n]*)*\n?")
_FRAMES = re.compile(r"\n(?:frame #\d+:|<omitting python frames>)[^\n]*")
_ENFORCE = re.compile(r"\[enforce fail at [^\]]*\]\s*")
_ALLOC = re.compile(r"(?:can't allocate memory: you tried to allocate|Tried to allocate)\s+"
                    r"(\d+(?:\.\d+)?)\s*(bytes|[KMGT]i?B)\b")
_FLOAT = re.compile(r"could not convert string to float: (['\"])(.*)\1\Z", re.S)
_INT = re.compile(r"invalid literal for int\(\) with base \d+: (['\"])(.*)\1\Z", re.S)


def _size(n):
    for unit in ("bytes", "kB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1000


def strip_cpp(text):
    """PyTorch's message without the C++ stack trace and `[enforce fail at ...]` markers."""
    return _ENFORCE.sub("", _CPP_TRACE.sub("", text)).strip()


def without_frames(text):
    """The text with PyTorch's C++ stack frames left out (where it was raised stays)."""
    return _FRAMES.sub("", text)


def tcl_wording(exc):
    """(message, errorCode word, original) for a Python exception out of a command. `original` is
    the text as Python had it when the message rewords it (for errorInfo), else None."""
    text = str(exc).strip()
    original = without_frames(f"{type(exc).__name__}: {text}" if text else type(exc).__name__)
    if isinstance(exc, RecursionError):
        return NESTED, "LIMIT", original
    alloc = _ALLOC.search(text)
    if isinstance(exc, MemoryError) or alloc or "out of memory" in text.lower():
        if alloc and alloc.group(2) == "bytes":
            amount = f"{int(float(alloc.group(1)))} bytes"
            human = _size(int(float(alloc.group(1))))
            if human != amount:
                amount += f" ({human})"
        elif alloc:
            amount = " ".join(alloc.groups())
        else:
            amount = None
        message = f"not enough memory to allocate {amount}" if amount else "not enough memory"
        return message, "NOMEM", original
    if isinstance(exc, ValueError):
        for pattern, what in ((_FLOAT, "floating-point number"), (_INT, "integer")):
            m = pattern.match(text)
            if m:
                return f'expected {what} but got "{m.group(2)}"', "INVALID", original
    message = strip_cpp(text) or type(exc).__name__
    return message, "RUNTIME", (original if message != text else None)
