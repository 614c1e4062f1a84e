"""Element-wise math: powers, exponentials and logarithms, trigonometry, rounding, clamping.

Each command is one PyTorch call on its input, so values, dtype promotion (an integer tensor
given to `sin` comes back as the default float dtype, `floor` keeps it integer, `frac` refuses
it), shape, device and autograd are PyTorch's own.
"""

import torch
import torch.nn.functional as F

from ..core.errors import CommandError
from ..core.registry import UNKNOWN_LISTED, Family, param
from ..core.types import FLOAT, INT, NUMBER, TENSOR, TENSOR_OR_NUMBER
from .common import TENSOR_INPUT, non_negative, tensor_input

elementwise = Family("elementwise")

# --- the pages' error texts, in pieces a command combines ---------------------------------------
# `torch::acosh` with nothing: both syntaxes in one line.
BOTH_FORMS = {"missing": "Usage: {cmd} tensor | {cmd} -input tensor"}
NEEDS_VALUE = {"no_value": "Named parameter requires a value"}
# An unknown option followed by the options the command takes.
LISTED = {"unknown": UNKNOWN_LISTED}
WRONG_COUNT = {"usage": "Wrong number of positional arguments. Expected: {cmd} tensor"}


# --- one input tensor, one PyTorch function -----------------------------------------------------
def unary(name, op, doc, errors=(), aliases=(), label="tensor"):
    """Declares `torch::name tensor` (or `-input tensor`, `-tensor tensor`) as op(input)."""
    def body(input):
        return op(input)
    body.__doc__ = doc
    source = TENSOR_INPUT if label == "tensor" else tensor_input(label=label)
    elementwise.command(name, source, aliases=aliases, errors=dict(errors),
                        returns="tensor handle", direct=op)(body)


def exp10(input):
    """10 ** input. PyTorch has no exp10: this is torch.pow(10, input) after the promotion
    torch.exp2 applies (an integer or bool tensor becomes the default float dtype first), so
    dtype, precision and autograd match exp2's."""
    if not (input.is_floating_point() or input.is_complex()):
        input = input.to(torch.get_default_dtype())
    return torch.pow(10, input)


_UNARY = [
    # trigonometry (radians)
    ("sin", torch.sin, "The sine of each element (radians).", {}, ()),
    ("cos", torch.cos, "The cosine of each element (radians).", {}, ()),
    ("tan", torch.tan, "The tangent of each element (radians).", BOTH_FORMS | LISTED, ()),
    ("asin", torch.asin, "The arcsine of each element, in [-pi/2, pi/2]; NaN outside [-1, 1].",
     {}, ()),
    ("acos", torch.acos, "The arccosine of each element, in [0, pi]; NaN outside [-1, 1].",
     {}, ()),
    ("deg2rad", torch.deg2rad, "Each element converted from degrees to radians.",
     BOTH_FORMS, ("deg2Rad",)),
    ("rad2deg", torch.rad2deg, "Each element converted from radians to degrees.", {},
     ("radToDeg",)),
    # hyperbolic functions
    ("sinh", torch.sinh, "The hyperbolic sine of each element.", BOTH_FORMS | LISTED,
     ("siNh",)),
    ("cosh", torch.cosh, "The hyperbolic cosine of each element.", {}, ()),
    ("asinh", torch.asinh, "The inverse hyperbolic sine of each element.", {}, ()),
    ("acosh", torch.acosh, "The inverse hyperbolic cosine of each element; NaN below 1.",
     BOTH_FORMS | LISTED, ()),
    ("atanh", torch.atanh,
     "The inverse hyperbolic tangent of each element; +-inf at +-1, NaN beyond.",
     {"missing": "Usage: {cmd} tensor (positional) or -input required (named)"}, ()),
    # exponentials and logarithms
    ("tensor_exp", torch.exp, "e raised to each element.", {}, ()),
    ("exp2", torch.exp2, "2 raised to each element.", {"missing": "Usage: {cmd} tensor"}, ()),
    ("exp10", exp10, exp10.__doc__, {"missing": "Required parameter {option} missing"}, ()),
    ("expm1", torch.expm1, "exp(x) - 1 for each element, accurate where x is near 0.",
     {"missing": "Usage: {cmd} tensor OR {cmd} -input tensor"} | NEEDS_VALUE, ()),
    ("tensor_log", torch.log, "The natural logarithm of each element.", {}, ()),
    ("log2", torch.log2, "The base-2 logarithm of each element.",
     {"missing": "Usage: {cmd} tensor\n   or: {cmd} -input TENSOR"}, ()),
    ("log10", torch.log10, "The base-10 logarithm of each element.", {}, ()),
    ("log1p", torch.log1p, "log(1 + x) for each element, accurate where x is near 0.", {}, ()),
    # roots and squares
    ("tensor_sqrt", torch.sqrt, "The square root of each element; NaN for negatives.", {}, ()),
    ("rsqrt", torch.rsqrt, "1 / sqrt(x) for each element.", {}, ("rSqrt",)),
    ("square", torch.square, "Each element times itself (integer tensors stay integer).",
     BOTH_FORMS | WRONG_COUNT, ("Square",)),
    ("tensor_abs", torch.abs, "The absolute value of each element.", {}, ()),
    # rounding
    ("ceil", torch.ceil, "Each element rounded up to an integral value.", {}, ()),
    ("floor", torch.floor, "Each element rounded down to an integral value.",
     BOTH_FORMS | NEEDS_VALUE | WRONG_COUNT, ("Floor",)),
    ("trunc", torch.trunc, "Each element rounded toward zero.", {}, ()),
]
for _name, _op, _doc, _errors, _aliases in _UNARY:
    unary(_name, _op, _doc, _errors, _aliases)

# The pages write atan's and frac's positional word as input_tensor.
unary("atan", torch.atan, "The arctangent of each element, in (-pi/2, pi/2).", {},
      label="input_tensor")
unary("frac", torch.frac,
      "The fractional part of each element, x - trunc(x), with x's sign (float tensors only, "
      "as in PyTorch).",
      {"missing": "Usage: {cmd} input_tensor\n   or: {cmd} -input TENSOR"}, ("Frac",),
      label="input_tensor")


# --- one input tensor and a number --------------------------------------------------------------
@elementwise.command("round", TENSOR_INPUT, param("decimals", INT, 0),
                     aliases=("Round",), returns="tensor handle")
def round_(input, decimals):
    """Each element rounded to the nearest integer, halves to even (or to `decimals` decimal
    places, as torch.round does; integer tensors take decimals 0 only)."""
    return torch.round(input) if decimals == 0 else torch.round(input, decimals=decimals)


@elementwise.command("tensor_clamp", tensor_input(invalid="Tensor not found"),
                     param("min", NUMBER, None, invalid="Invalid min value"),
                     param("max", NUMBER, None, invalid="Invalid max value"),
                     errors={"missing": "Usage: {cmd} tensor ?min? ?max? | "
                                        "{cmd} -tensor tensor ?-min value? ?-max value?",
                             "unknown": "Unknown parameter: {option}. "
                                        "Valid parameters are: -tensor, -min, -max"},
                     returns="tensor handle")
def tensor_clamp(input, min, max):
    """Each element limited to [min, max]; either bound may be left out. With neither, a copy
    of the tensor, as the reference does (torch.clamp itself refuses that call). The result's
    dtype is torch.clamp's: an integer tensor with a fractional bound becomes float."""
    if min is None and max is None:
        return input.clone()
    return torch.clamp(input, min, max)


@elementwise.command("leaky_relu", TENSOR_INPUT,
                     param("negative_slope", FLOAT, 0.01, aliases=("slope",),
                           invalid="Invalid negative_slope", check=non_negative,
                           check_msg="negative_slope must be >= 0"),
                     returns="tensor handle")
def leaky_relu(input, negative_slope):
    """x where x >= 0, negative_slope * x below (default slope 0.01). The reference refuses a
    negative slope, which PyTorch would take: that check is kept."""
    return F.leaky_relu(input, negative_slope)


@elementwise.command("celu", TENSOR_INPUT, param("alpha", FLOAT, 1.0),
                     returns="tensor handle")
def celu(input, alpha):
    """x where x > 0, alpha * (exp(x / alpha) - 1) below (default alpha 1; PyTorch refuses 0)."""
    return F.celu(input, alpha)


# --- two operands, broadcast against each other --------------------------------------------------
@elementwise.command("atan2", param("y", TENSOR, aliases=("input1",)),
                     param("x", TENSOR, aliases=("input2",)), returns="tensor handle")
def atan2(y, x):
    """The angle of the point (x, y) from the positive x axis, in [-pi, pi], element-wise with
    broadcasting."""
    return torch.atan2(y, x)


@elementwise.command("pow",
                     param("base", TENSOR_OR_NUMBER, aliases=("input1",),
                           invalid="Invalid base tensor name"),
                     param("exponent", TENSOR_OR_NUMBER, aliases=("input2",),
                           invalid="Invalid exponent tensor name"),
                     errors={"missing": "Usage: {cmd} base exponent | "
                                        "{cmd} -base base -exponent exponent",
                             "unknown": "Unknown parameter: {option}. "
                                        "Valid parameters are: -base, -exponent"},
                     returns="tensor handle")
def pow_(base, exponent):
    """base ** exponent element-wise with broadcasting; either side (not both) may be a plain
    number, which PyTorch treats as a scalar when it promotes dtypes (an integer tensor to a
    fractional power becomes float; to a negative integer power it is an error)."""
    if not isinstance(base, torch.Tensor) and not isinstance(exponent, torch.Tensor):
        raise CommandError("Invalid base tensor name: base or exponent must be a tensor")
    return torch.pow(base, exponent)
