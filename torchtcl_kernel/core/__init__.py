"""The core: interpreter, command registry, handle store. Knows nothing of Jupyter."""

from .errors import CommandError, TorchTclError, TorchTclExit
from .interp import TorchTcl

__all__ = ["CommandError", "TorchTcl", "TorchTclError", "TorchTclExit"]
