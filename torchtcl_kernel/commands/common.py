"""What several command families share: the tensor `-input` and `-optimizer` parameters, the
range checks of numeric parameters, and whether an optimizer has gradients to step on. Declares
no command."""

from ..core.registry import REQUIRED, param
from ..core.types import OPTIMIZER, TENSOR


def positive(value):
    return value > 0


def non_negative(value):
    return value >= 0


def tensor_input(label="tensor", aliases=("tensor",), invalid=None):
    """The tensor a command works on, `-input`. The spec's pages differ only in its positional
    word (`label`), its other option names and the error for a word that is no tensor handle."""
    return param("input", TENSOR, aliases=aliases, label=label, invalid=invalid)


# The common form: `-input` or `-tensor`, written `tensor` in the positional syntax.
TENSOR_INPUT = tensor_input()


def optimizer_param(invalid=None, default=REQUIRED, aliases=("opt",)):
    """The optimizer a command works on, `-optimizer` (`-opt`); pages differ in the error for a
    word that is no optimizer handle and in further option names."""
    return param("optimizer", OPTIMIZER, default, aliases=aliases, invalid=invalid)


def has_gradients(optimizer):
    """Whether a backward pass left a gradient on any of the optimizer's parameters."""
    return any(p.grad is not None for g in optimizer.param_groups for p in g["params"])
