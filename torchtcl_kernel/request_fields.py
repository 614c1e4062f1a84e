"""What the fields of a Jupyter request must be, checked where the kernel reads them.

A frontend that sends a field of the wrong type (`"cursor_pos": "3"`, `"code": null`), or none,
gets an error reply that names the field, as BadRequest: the request's fault, so no traceback is
logged and none is sent, where the handlers would otherwise fail inside with an internal error,
or (a field missing) ipykernel's would send no reply at all.
"""


class BadRequest(ValueError):
    """A request field that is not what the messaging spec says (its message names the field)."""


def missing(content, fields):
    """A BadRequest if content is not an object holding each of fields, else None."""
    if not isinstance(content, dict):
        return BadRequest(f"content must be an object, not {content!r}")
    absent = [field for field in fields if field not in content]
    return BadRequest(f"{absent[0]} is missing") if absent else None


def text(value, what):
    """value, which must be a string."""
    if not isinstance(value, str):
        raise BadRequest(f"{what} must be a string, not {value!r}")
    return value


def count(value, what, default=None, negative=True):
    """value, which must be an integer or None (then: default), one SQLite can hold (the history
    is queried with it), and not below 0 unless `negative`."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest(f"{what} must be an integer, not {value!r}")
    if not -2**63 <= value < 2**63:
        raise BadRequest(f"{what} is out of range: {value}")
    if value < 0 and not negative:
        raise BadRequest(f"{what} must not be negative, not {value}")
    return value


def cursor(code, value):
    """A cursor position in code: its end when value is None. A position past the end is taken as
    the end (a frontend that counts UTF-16 units, as protocol versions before 5.2 did, passes one
    for a line holding characters beyond the BMP)."""
    return min(count(value, "cursor_pos", len(code), negative=False), len(code))


def expressions(value):
    """user_expressions: a dict of names to scripts (None: none)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise BadRequest(f"user_expressions must be an object, not {value!r}")
    return value


def reply(error):
    """The error reply for a BadRequest."""
    return {"status": "error", "ename": "BadRequest", "evalue": str(error), "traceback": []}
