"""`%tcl` and `%%tcl` for Python notebooks: `%load_ext torchtcl_kernel`.

    %%tcl -i x -o y
    set y [torch::tensor_mul $x 2]

`-i NAME` hands a Python value to Tcl, `-o NAME` brings a Tcl variable back (the conversions:
`%tcl?`, TclMagics.tcl below).

All cells share one interpreter, with the same live dashboards as the kernel. Interrupting the
kernel (Ctrl-C, the toolbar's stop) stops a running cell, even a pure-Tcl loop, with
KeyboardInterrupt; the interpreter keeps its variables and handles.
"""

import _tkinter
import contextlib
import re

from IPython.core.error import StdinNotImplementedError
from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand

from .core import TorchTcl, TorchTclError, TorchTclExit
from .core.types import split_list
from .shown import shown
from .widgets import attach_live


class TclResult(str):
    """A cell's Tcl result, shown as Tcl shows it (no Python quotes), and only its start when it is
    long (shown.py); the str itself is the whole value."""

    def __repr__(self):
        return shown(str(self))


class TclCellError(Exception):
    """A Tcl error in a %%tcl cell; IPython shows it as one line (see _one_line)."""


def _one_line(shell, etype, value, tb, tb_offset=None):
    # IPython leaves showing a custom exception to its handler: the kernel's shell publishes an
    # error message, a terminal prints the line.
    stb = [f"TclError: {value}"]
    shell._showtraceback(etype, value, stb)
    return stb


def _input_line():
    """A line for `gets stdin`, from input(): in a notebook, its input box (where the frontend
    takes no input, an end of file), in a terminal, the terminal."""
    try:
        return input()
    except StdinNotImplementedError:
        raise EOFError from None


@magics_class
class TclMagics(Magics):
    def __init__(self, shell):
        super().__init__(shell)
        self.interp = attach_live(TorchTcl())
        self.interp.read_stdin_from(_input_line)
        shell.events.register("post_run_cell", lambda *_: self.interp.dashboard.cell_finished())
        shell.set_custom_exc((TclCellError,), _one_line)

    @no_var_expand                 # $x in a %tcl line is a Tcl variable, not IPython's expansion
    @line_cell_magic
    def tcl(self, line, cell=None):
        """Run Tcl with the torch:: commands; the cell's result is shown like a Python value.

        %tcl [-i NAME] [-o NAME] TCL CODE   (the rest of the line, as Tcl reads it)
        %%tcl [-i NAME] [-o NAME]           (the cell is the Tcl code)

        Both options repeat, and take comma-separated names too.

        -i NAME sets the Tcl variable NAME to the Python variable NAME first, converted so
        (TorchTcl.setvar; any other value is the cell's error, naming the variable, the part of
        it that does not convert and its type):

            Python                      Tcl
            torch.Tensor                a tensor handle to the same tensor (no copy)
            numpy.ndarray               a tensor handle; torch.from_numpy shares the array's
                                        memory (a read-only array, or one with negative
                                        strides, is copied)
            nn.Module, optimizer, ...   a handle of its kind (what torch:: has handles for)
            bool                        1 or 0
            int, float (numpy scalars)  the number
            str                         the text
            list, tuple                 a Tcl list of the elements, converted (nested lists
                                        stay nested)
            dict                        a Tcl dict: keys (str, int, float, bool) as text,
                                        values converted

        -o NAME sets the Python variable NAME to the Tcl variable NAME afterwards: a tensor
        handle becomes the torch.Tensor itself, a number an int or float, a list a list of its
        elements so converted, other text a str."""
        inputs, outputs, rest = _options(line)
        if cell is not None and rest.strip():
            raise TclCellError(f"%%tcl takes only -i NAME and -o NAME options, not: {rest.strip()}")
        for name in _names(inputs):
            if name not in self.shell.user_ns:
                raise TclCellError(f"-i {name}: no such Python variable")
            try:
                self.interp.setvar(name, self.shell.user_ns[name])
            except TorchTclError as e:
                raise TclCellError(f"-i {name}: {e.message}") from None
        code = cell if cell is not None else rest
        try:
            result = self.interp.eval(code)
            for name in _names(outputs):
                with _option_error("-o", name):
                    self.shell.user_ns[name] = self.from_tcl(self.interp.tk.call("set", name))
        except TorchTclExit as e:
            # Ending the process, as tclsh would, would end the user's Python kernel.
            raise TclCellError(f"exit {e.code} (the Tcl code ended here; the kernel keeps "
                               f"running)") from None
        except TorchTclError as e:
            raise TclCellError(shown(e.message)) from None     # (the notebook keeps the text)
        finally:
            self.interp.dashboard.cell_finished()
        return TclResult(result) if result else None

    # --- the exchange back (the way in is TorchTcl.setvar) --------------------------------------
    def from_tcl(self, value):
        if isinstance(value, _tkinter.Tcl_Obj):
            value = str(value)               # a value of a type tkinter does not know: a handle
        if isinstance(value, tuple):
            return [self.from_tcl(v) for v in value]
        if not isinstance(value, str):
            return value                     # Tcl handed back a number object
        if self.interp.store.__contains__(value) and self.interp.store.kind_of(value) == "tensor":
            return self.interp.tensor(value)
        for number in (int, float):
            try:
                return number(value)
            except ValueError:
                pass
        words = split_list(self.interp.tk, value)
        if len(words) > 1:
            return [self.from_tcl(w) for w in words]
        return value


@contextlib.contextmanager
def _option_error(option, name):
    """A Tcl error while exchanging a variable (missing, an array, text that is not a list) is
    the cell's one-line error, not a traceback from tkinter."""
    try:
        yield
    except _tkinter.TclError as e:
        raise TclCellError(f"{option} {name}: {e}") from None


_OPTION = re.compile(r"\s*(-i|--input|-o|--output)\s+(\S+)")


def _options(line):
    """The leading -i/-o options of a magic's line, and the rest of it untouched: a line magic's
    Tcl code goes to Tcl whole, its own option words (-dtype int64) included."""
    inputs, outputs = [], []
    while (m := _OPTION.match(line)):
        (inputs if m.group(1) in ("-i", "--input") else outputs).append(m.group(2))
        line = line[m.end():]
    return inputs, outputs, line


def _names(options):
    return [n.strip() for option in options for n in option.split(",") if n.strip()]


def load_ipython_extension(ipython):
    ipython.register_magics(TclMagics(ipython))
