"""PyTorch driven by Tcl torch:: commands: an interpreter, a CLI, a Jupyter kernel and magics."""

from . import commands  # noqa: F401  (registers every command family before any interpreter)
from .core import TorchTcl, TorchTclError, TorchTclExit

__version__ = "0.1.0"
__all__ = ["TorchTcl", "TorchTclError", "TorchTclExit", "__version__"]


def load_ipython_extension(ipython):
    """`%load_ext torchtcl_kernel`: the %tcl and %%tcl magics."""
    from .magics import load_ipython_extension as load
    load(ipython)
