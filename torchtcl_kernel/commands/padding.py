"""Padding: zero, circular, reflection and replication padding of a tensor's last 1, 2 or 3
dimensions.

Each command is torch.nn.functional.pad on its input with the mode its name says, so the result
(values, dtype, which input shapes are taken, autograd) is PyTorch's. The padding list runs from
the last dimension backwards: {left right} for 1-D, {left right top bottom} for 2-D, and
{left right top bottom front back} for 3-D.
"""

import torch.nn.functional as F

from ..core.errors import CommandError
from ..core.registry import UNKNOWN_LISTED, Family, camel, param
from ..core.types import INTS
from .common import tensor_input

padding = Family("padding", unknown=UNKNOWN_LISTED)

INPUT = tensor_input(invalid="Invalid tensor name: {value}")
NEGATIVE = "Invalid padding value: padding cannot be negative"

# (name prefix, torch mode, how it fills, negative padding refused, missing-parameter text)
_MODES = [
    ("zero", "constant", "zeros; a negative amount crops instead, as in PyTorch", False, None),
    ("circular", "circular", "values wrapped around from the opposite end; a negative amount "
     "crops instead, as in PyTorch", False, None),
    ("reflection", "reflect", "the values mirrored about the edge element, which is not "
     "repeated (each amount must be smaller than its dimension)", True,
     "Required parameters missing: input tensor and padding values required"),
    ("replication", "replicate", "copies of the edge element", True, None),
]
_SHAPES = {1: "(C, W) or (N, C, W)", 2: "(C, H, W) or (N, C, H, W)",
           3: "(C, D, H, W) or (N, C, D, H, W)"}


def pad_command(kind, mode, how, non_negative, missing, n):
    name = f"{kind}_pad{n}d"
    amounts = param("padding", INTS, aliases=("pad",), check=lambda v: len(v) == 2 * n,
                    check_msg=f"Padding must be a list of {2 * n} values for {n}D")

    def body(input, padding):
        if non_negative and any(p < 0 for p in padding):
            raise CommandError(NEGATIVE)
        if mode == "constant":
            return F.pad(input, padding, "constant", 0.0)
        return F.pad(input, padding, mode)
    shapes = ("any tensor with at least that many dimensions" if mode == "constant"
              else f"an input {_SHAPES[n]}")
    body.__doc__ = (f"{kind.capitalize()} padding of the last {n} dimension"
                    f"{'s' if n > 1 else ''} (torch.nn.functional.pad, mode {mode}): the new "
                    f"elements are {how}. It takes {shapes}.")
    usage = (f"Usage: torch::{name} tensor padding | torch::{camel(name)} -input tensor "
             "-padding {{values}}")
    padding.command(name, INPUT, amounts, errors={"missing": missing or usage},
                    returns="tensor handle")(body)


for _kind, _mode, _how, _non_negative, _missing in _MODES:
    for _n in (1, 2, 3):
        pad_command(_kind, _mode, _how, _non_negative, _missing, _n)
