"""The error types that cross the Tcl/Python boundary."""


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
