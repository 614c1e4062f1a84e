"""Comparisons, logical and bitwise operations, masks and selection by mask.

Each command is one PyTorch call and keeps PyTorch's result dtype: Bool for comparisons, logical
operations and the isnan/isinf/isfinite/isclose tests; the operands' promoted integer (or Bool)
dtype for bitwise operations. Operands broadcast as PyTorch broadcasts them.
"""

import torch

from ..core.errors import CommandError
from ..core.registry import UNKNOWN_LISTED, Family, param
from ..core.types import BOOL, FLOAT, NUMBER, TENSOR, TENSOR_OR_NUMBER
from .common import tensor_input

comparison = Family("comparison")

# --- the operand pairs ----------------------------------------------------------------------------
# Comparison and logical pages name the operands -input1/-tensor1 and -input2/-tensor2; the
# bitwise pages -input/-tensor1 and -other/-tensor2. Where PyTorch takes a number as the second
# operand (comparisons, bitwise), so do we: `torch::gt $t 0`.
COMPARED = (param("input1", TENSOR, aliases=("tensor1",), label="tensor1",
                  invalid="Invalid tensor name for input1"),
            param("input2", TENSOR_OR_NUMBER, aliases=("tensor2",), label="tensor2",
                  invalid="Invalid tensor name for input2"))
LOGICAL = (param("input1", TENSOR, aliases=("tensor1",), label="tensor1",
                 invalid="Invalid tensor handle"),
           param("input2", TENSOR, aliases=("tensor2",), label="tensor2",
                 invalid="Invalid tensor handle"))
BITWISE = (param("input", TENSOR, aliases=("tensor1",), label="tensor1",
                 invalid="Invalid first tensor name"),
           param("other", TENSOR_OR_NUMBER, aliases=("tensor2",), label="tensor2",
                 invalid="Invalid second tensor name"))

# isclose/allclose: two tensors and the tolerances, with PyTorch's defaults.
CLOSE = (param("input", TENSOR, aliases=("tensor1",)),
         param("other", TENSOR, aliases=("tensor2",)),
         param("rtol", FLOAT, 1e-05, aliases=("relative_tolerance",)),
         param("atol", FLOAT, 1e-08, aliases=("absolute_tolerance",)),
         param("equal_nan", BOOL, False))

# --- error texts, as the pages word them ----------------------------------------------------------
COMPARE_USAGE = "Usage: {cmd} tensor1 tensor2 | {cmd} -input1 tensor1 -input2 tensor2"
COMPARE_ERRORS = {"missing": COMPARE_USAGE, "usage": COMPARE_USAGE,
                  "unknown": UNKNOWN_LISTED}
LOGICAL_ERRORS = {"no_value": "Named parameter requires a value"}
# logical_and's page says "Wrong number of positional arguments" for a lone operand: a message
# naming positional arguments reads as a Python TypeError leaking out (tests/test_malformed_input.py
# rejects it), so a missing operand is "Required parameters missing" however it was left out, and
# too many words are its siblings' "Wrong number of arguments".
LOGICAL_AND_ERRORS = {**LOGICAL_ERRORS, "missing": "Required parameters missing: {option}",
                      "usage": "Wrong number of arguments"}
LOGICAL_OR_ERRORS = {**LOGICAL_ERRORS, "missing": "Missing {name} parameter",
                     "missing_positional": "Wrong number of arguments",
                     "usage": "Wrong number of arguments"}
BITWISE_ERRORS = {"missing": "Required parameters missing: input and other tensors required"}
UNARY_USAGE = {"missing": "Usage: {cmd} tensor | {cmd} -input tensor"}
LOGICAL_NOT_ERRORS = {**LOGICAL_ERRORS, "missing": "Wrong number of arguments",
                      "usage": "Wrong number of arguments"}


# --- element-wise binary operations ---------------------------------------------------------------
def _pairwise(op, pair):
    """The command's function: op on its two operands, under the names the pair declares."""
    if pair is BITWISE:
        def body(input, other):
            return op(input, other)
    else:
        def body(input1, input2):
            return op(input1, input2)
    return body


def binary(name, op, pair, errors, doc, aliases=()):
    body = _pairwise(op, pair)
    body.__doc__ = doc
    comparison.command(name, *pair, errors=errors, aliases=aliases,
                       returns="tensor handle", direct=op)(body)


# eq's page lists the valid options its own way. The pages show a capitalised twin (Eq, Gt...);
# ge's page garbles its title, and Ge is given alike.
_EQ_UNKNOWN = ("Unknown parameter: {option}. "
               "Valid parameters are: -input1/-tensor1, -input2/-tensor2")
for _name, _op, _errors, _doc in [
    ("eq", torch.eq, {"unknown": _EQ_UNKNOWN},
     "Where input1 equals input2, element by element (a Bool tensor)."),
    ("ne", torch.ne, {}, "Where input1 differs from input2, element by element (a Bool tensor)."),
    ("lt", torch.lt, {}, "Where input1 < input2, element by element (a Bool tensor)."),
    ("le", torch.le, {}, "Where input1 <= input2, element by element (a Bool tensor)."),
    ("gt", torch.gt, {}, "Where input1 > input2, element by element (a Bool tensor)."),
    ("ge", torch.ge, {}, "Where input1 >= input2, element by element (a Bool tensor)."),
]:
    binary(_name, _op, COMPARED, {**COMPARE_ERRORS, **_errors},
           _doc + " The second operand may be a number.", aliases=(_name.capitalize(),))

for _name, _op, _errors, _doc in [
    ("logical_and", torch.logical_and, LOGICAL_AND_ERRORS,
     "Where both operands are nonzero (true), element by element (a Bool tensor)."),
    ("logical_or", torch.logical_or, LOGICAL_OR_ERRORS,
     "Where either operand is nonzero (true), element by element (a Bool tensor)."),
    ("logical_xor", torch.logical_xor, LOGICAL_OR_ERRORS,
     "Where exactly one operand is nonzero (true), element by element (a Bool tensor)."),
]:
    binary(_name, _op, LOGICAL, _errors, _doc)

# bitwise_xor and bitwise_right_shift have no page of their own: they follow their siblings'.
for _name, _op, _doc in [
    ("bitwise_and", torch.bitwise_and, "The bits set in both operands (integer or Bool tensors)."),
    ("bitwise_or", torch.bitwise_or, "The bits set in either operand (integer or Bool tensors)."),
    ("bitwise_xor", torch.bitwise_xor,
     "The bits set in exactly one operand (integer or Bool tensors)."),
    ("bitwise_left_shift", torch.bitwise_left_shift,
     "Each integer element shifted left by other bits (input * 2**other)."),
    ("bitwise_right_shift", torch.bitwise_right_shift,
     "Each integer element shifted right by other bits (an arithmetic shift for signed types)."),
]:
    binary(_name, _op, BITWISE, BITWISE_ERRORS,
           _doc + " The second operand may be a number.")


# --- element-wise unary tests and negations -------------------------------------------------------
def unary(name, op, errors, doc, aliases=(), invalid=None):
    def body(input):
        return op(input)
    body.__doc__ = doc
    comparison.command(name, tensor_input(invalid=invalid), errors=errors, aliases=aliases,
                       returns="tensor handle", direct=op)(body)


unary("bitwise_not", torch.bitwise_not, UNARY_USAGE,
      "Every bit of each element flipped: ~x, which is -x - 1 for signed integers (Bool: not x).")
unary("logical_not", torch.logical_not, LOGICAL_NOT_ERRORS,
      "Where the element is zero (false), as a Bool tensor.", invalid="Invalid tensor handle")
unary("isnan", torch.isnan, UNARY_USAGE, "Where the element is NaN (a Bool tensor).",
      aliases=("isNan",))
unary("isinf", torch.isinf, UNARY_USAGE,
      "Where the element is +inf or -inf (a Bool tensor).", aliases=("isInf",))
unary("isfinite", torch.isfinite, UNARY_USAGE,
      "Where the element is neither infinite nor NaN (a Bool tensor).", aliases=("isFinite",))


# --- closeness within tolerances ------------------------------------------------------------------
@comparison.command("isclose", *CLOSE, aliases=("isClose",), returns="tensor handle")
def isclose(input, other, rtol, atol, equal_nan):
    """Where |input - other| <= atol + rtol * |other|, element by element (a Bool tensor).

    PyTorch's test, which scales rtol by |other| alone (the page writes max(|input|, |other|)):
    the two differ only for values near the tolerance's edge. NaNs are close to each other only
    with -equal_nan true; negative tolerances are PyTorch's error."""
    return torch.isclose(input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)


@comparison.command("allclose", *CLOSE, returns="boolean (1 or 0)")
def allclose(input, other, rtol, atol, equal_nan):
    """1 when every element of input is close to other (isclose's test, after broadcasting),
    else 0."""
    return torch.allclose(input, other, rtol=rtol, atol=atol, equal_nan=equal_nan)


# --- selection by a mask --------------------------------------------------------------------------
@comparison.command("tensor_where", param("condition", TENSOR),
                    param("x", TENSOR_OR_NUMBER, None), param("y", TENSOR_OR_NUMBER, None),
                    returns="tensor handle, or a list of index tensor handles")
def tensor_where(condition, x, y):
    """Elements of x where the Bool condition holds, of y elsewhere (x, y and condition
    broadcast; either of x and y may be a number).

    With the condition alone (as API.md allows), the indices where it holds: a list of one
    index tensor per dimension, PyTorch's torch.where(condition)."""
    if x is None and y is None:
        return torch.where(condition)
    if x is None or y is None:
        raise CommandError("tensor_where takes both x and y, or neither")
    return torch.where(condition, x, y)


@comparison.command("tensor_masked_fill", tensor_input(invalid="Tensor not found"),
                    param("mask", TENSOR, invalid="Tensor not found"),
                    param("value", NUMBER, invalid="Invalid value parameter"),
                    errors={"missing": "Usage: {cmd} tensor mask value | "
                                       "{cmd} -tensor tensor -mask mask -value value",
                            "unknown": UNKNOWN_LISTED},
                    returns="tensor handle")
def tensor_masked_fill(input, mask, value):
    """A copy of the tensor with value wherever the Bool mask (broadcast to its shape) is true;
    the value takes the tensor's dtype."""
    return input.masked_fill(mask, value)
