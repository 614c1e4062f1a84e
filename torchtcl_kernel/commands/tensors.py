"""Tensor creation, inspection and arithmetic (the spec's tensor_core_math family)."""

import builtins

import torch

from ..core.errors import CommandError
from ..core.registry import Family, Read, param
from ..core.types import (
    BOOL,
    DEVICE,
    DTYPE,
    DTYPE_LABELS,
    FLOAT,
    INT,
    INTS,
    NUMBER,
    NUMBERS,
    SHAPE,
    TENSOR,
    TENSOR_OR_NUMBER,
    dtype_label,
)
from .common import TENSOR_INPUT, non_negative, tensor_input

tensors = Family("tensors")

CPU = torch.device("cpu")
INPUT_REQUIRED = {"missing": "Input tensor is required"}
MISSING_OPTION = {"missing": "Missing required parameter: {option}"}

# The trailing options every creation command shares.
DTYPE_P = param("dtype", DTYPE, torch.float32)
DEVICE_P = param("device", DEVICE, CPU)
GRAD_P = param("requires_grad", BOOL, False)


def _finish(t, requires_grad):
    return t.requires_grad_() if requires_grad else t


@tensors.command("tensor_create",
                 param("data", NUMBERS, aliases=("values",), label="values"),
                 param("shape", SHAPE, None), DTYPE_P,
                 param("device", DEVICE, CPU, invalid="Invalid device specification"), GRAD_P,
                 forms=["values ?shape? ?dtype? ?device? ?requires_grad?",
                        "values ?dtype? ?device? ?requires_grad?"],
                 errors=MISSING_OPTION, returns="tensor handle")
def tensor_create(data, shape, dtype, device, requires_grad):
    """A tensor from a (nested) Tcl list of numbers, optionally reshaped."""
    if not isinstance(data, list):
        data = [data]
    t = torch.tensor(data, dtype=dtype, device=device)
    if shape is not None:
        t = t.reshape(shape)
    return _finish(t, requires_grad)


def _filled(fill):
    def create(shape, dtype, device, requires_grad):
        return _finish(fill(shape, dtype=dtype, device=device), requires_grad)
    create.__doc__ = f"A new tensor of the given shape made by torch.{fill.__name__}."
    return create


for _name, _fill, _aliases in [("zeros", torch.zeros, ()), ("ones", torch.ones, ()),
                               ("empty", torch.empty, ("Empty",))]:
    tensors.command(_name, param("shape", SHAPE, aliases=("size",)), DTYPE_P, DEVICE_P, GRAD_P,
                    aliases=_aliases, errors=MISSING_OPTION,
                    returns="tensor handle")(_filled(_fill))


@tensors.command("full", param("shape", SHAPE, aliases=("size",)),
                 param("value", NUMBER, aliases=("fill_value",)),
                 DTYPE_P, DEVICE_P, GRAD_P, errors=MISSING_OPTION, returns="tensor handle")
def full(shape, value, dtype, device, requires_grad):
    """A tensor of the given shape with every element set to value."""
    return _finish(torch.full(shape, value, dtype=dtype, device=device), requires_grad)


@tensors.command("eye", param("n", INT, check=non_negative),
                 param("m", INT, None, check=non_negative),
                 DTYPE_P, DEVICE_P, GRAD_P,
                 forms=["n ?m? ?dtype? ?device? ?requires_grad?",
                        "n ?dtype? ?device? ?requires_grad?"],
                 errors=MISSING_OPTION, returns="tensor handle")
def eye(n, m, dtype, device, requires_grad):
    """The n x m identity matrix (m defaults to n)."""
    t = torch.eye(n, n if m is None else m, dtype=dtype, device=device)
    return _finish(t, requires_grad)


@tensors.command("arange", param("end", NUMBER), param("start", NUMBER, 0),
                 param("step", NUMBER, 1),
                 DTYPE_P, DEVICE_P, GRAD_P,
                 forms=["end ?dtype? ?device?", "start end ?dtype? ?device?",
                        "start end step ?dtype? ?device?"],
                 # The spec's text for a missing end is PyTorch's own message for arange(start, 0).
                 errors={"missing": "upper bound and larger bound inconsistent with step sign"},
                 returns="tensor handle")
def arange(end, start, step, dtype, device, requires_grad):
    """Values from start (default 0) up to, not including, end, step apart."""
    return _finish(torch.arange(start, end, step, dtype=dtype, device=device), requires_grad)


@tensors.command("linspace", param("start", NUMBER), param("end", NUMBER),
                 param("steps", INT, check=non_negative), DTYPE_P, DEVICE_P, GRAD_P,
                 errors={"missing": "{option} parameter is required"}, returns="tensor handle")
def linspace(start, end, steps, dtype, device, requires_grad):
    """steps values evenly spaced from start to end, both included."""
    return _finish(torch.linspace(start, end, steps, dtype=dtype, device=device), requires_grad)


def _random(sample, doc):
    def create(shape, device, dtype, requires_grad):
        return _finish(sample(shape, dtype=dtype, device=device), requires_grad)
    create.__doc__ = doc
    return create


# The tensor_* twins' pages give their own error texts.
TENSOR_RAND_ERRORS = {"usage": "Invalid number of arguments"}

# randn's page orders device before dtype, other pages write dtype first: both forms are read, told
# apart by whether the word is a device or a dtype.
for _name, _sample, _errors, _doc in [
        ("randn", torch.randn, {}, "A tensor of the given shape sampled by torch.randn (standard "
                                   "normal)."),
        ("rand", torch.rand, {}, "A tensor of the given shape sampled by torch.rand (uniform on "
                                 "[0, 1))."),
        ("tensor_randn", torch.randn, TENSOR_RAND_ERRORS, "Standard normal samples of the given "
                                                          "shape: randn under another name."),
        ("tensor_rand", torch.rand, TENSOR_RAND_ERRORS, "Uniform samples on [0, 1) of the given "
                                                        "shape: rand under another name.")]:
    invalid = "Invalid shape parameter" if _errors else None
    tensors.command(_name, param("shape", SHAPE, aliases=("size",), invalid=invalid),
                    DEVICE_P, DTYPE_P, GRAD_P,
                    forms=["shape ?device? ?dtype? ?requires_grad?",
                           "shape ?dtype? ?device? ?requires_grad?"],
                    errors=_errors, returns="tensor handle")(_random(_sample, _doc))


@tensors.command("logspace", param("start", NUMBER), param("end", NUMBER),
                 param("steps", INT, check=non_negative), param("base", FLOAT, 10.0),
                 DTYPE_P, DEVICE_P, GRAD_P,
                 errors={"missing": "{option} parameter is required"},
                 returns="tensor handle")
def logspace(start, end, steps, base, dtype, device, requires_grad):
    """steps values from base**start to base**end, evenly spaced in the exponent (torch.logspace;
    base 10 unless given)."""
    t = torch.logspace(start, end, steps, base, dtype=dtype, device=device)
    return _finish(t, requires_grad)


# --- the *_like family: a new tensor shaped like an existing one --------------------------------
LIKE_PARAMS = (TENSOR_INPUT, param("dtype", DTYPE, None), param("device", DEVICE, None))


def like(family, name, make, errors=INPUT_REQUIRED, grad=GRAD_P, doc=None):
    def create(input, dtype, device, requires_grad):
        t = make(input, dtype=dtype or input.dtype, device=device or input.device)
        return _finish(t, requires_grad)
    create.__doc__ = doc or f"A new tensor with the shape of input, made by torch.{make.__name__}."
    family.command(name, *LIKE_PARAMS, grad, errors=errors, returns="tensor handle")(create)


like(tensors, "zeros_like", torch.zeros_like)
like(tensors, "ones_like", torch.ones_like)
like(tensors, "empty_like", torch.empty_like,
     errors={**INPUT_REQUIRED, "usage": "Invalid number of arguments"},
     grad=param("requires_grad", BOOL, False, invalid="Invalid requiresGrad value: {value}"),
     doc="A new tensor with the shape of input whose values are left uninitialised "
         "(torch.empty_like): whatever the memory held. Fill it before reading it.")


@tensors.command("full_like", TENSOR_INPUT, param("value", NUMBER, aliases=("fill_value",)),
                 *LIKE_PARAMS[1:], GRAD_P, forms=["tensor value ?dtype? ?device?"],
                 returns="tensor handle")
def full_like(input, value, dtype, device, requires_grad):
    """A new tensor with the shape of input, every element set to value (torch.full_like); the
    dtype and device are input's unless given."""
    t = torch.full_like(input, value, dtype=dtype or input.dtype, device=device or input.device)
    return _finish(t, requires_grad)


# --- inspection ---------------------------------------------------------------------------------
TENSOR_P = param("tensor", TENSOR, aliases=("input",), invalid="Invalid tensor name: {value}")
BY_INPUT = {"missing": "Input tensor is required", "usage": "Invalid number of arguments"}


@tensors.command("tensor_print", TENSOR_INPUT,
                 param("max", INT, None, check=non_negative, label="max_elements"),
                 forms=["tensor"], errors=BY_INPUT, returns="string")
def tensor_print(input, max):
    """The tensor's printed form, as PyTorch shows it. A large tensor is summarised (its first and
    last elements along each dimension, with ...) as PyTorch's print options say: by default
    beyond 1000 elements. `-max N` prints every element of a tensor that holds at most N, and
    otherwise a summary of at most about N elements; PyTorch's print options are restored
    after."""
    if max is None:
        return str(input)
    # torch summarises beyond `threshold` elements, showing `edgeitems` at each end of every
    # dimension: (2 * edgeitems) ** ndim elements at most
    edge = int(max ** (1 / builtins.max(1, input.dim()))) // 2
    with torch._tensor_str.printoptions(threshold=max, edgeitems=builtins.max(1, edge)):
        return str(input)


@tensors.command("tensor_to_list", TENSOR_INPUT, errors=BY_INPUT, returns="list")
def tensor_to_list(input):
    """The tensor's values as a Tcl list, nested one level per dimension (a matrix is a list of
    rows; a 0-d tensor is its one value). Floats come in full precision, the shortest text that
    reads back as the same double, written as every float result is (1e-05, inf, nan); integers
    exactly; bools as 1/0; a complex number as a pair {real imag}. Fast: a million elements
    take a fraction of a second (they reach Tcl as numbers, which expr reads without parsing)."""
    t = input.detach()
    if t.layout != torch.strided:
        t = t.to_dense()
    if t.is_quantized:
        t = t.dequantize()
    if t.is_complex():
        t = torch.view_as_real(t.resolve_conj())
    if t.dtype == torch.bool:
        t = t.to(torch.uint8)
    return t.tolist()


@tensors.command("tensor_shape", TENSOR_P, returns="list of integers",
                 reads=[Read(".shape", "ints")])
def tensor_shape(tensor):
    """The tensor's dimensions as a Tcl list (empty for a 0-d tensor)."""
    return tuple(tensor.shape)


@tensors.command("tensor_numel", TENSOR_P, returns="integer", reads=[Read(".numel()", int)])
def tensor_numel(tensor):
    """How many elements the tensor holds."""
    return tensor.numel()


@tensors.command("tensor_dtype", TENSOR_INPUT, errors=BY_INPUT, returns="dtype name",
                 reads=[Read(".dtype", DTYPE_LABELS)])
def tensor_dtype(input):
    """The tensor's dtype: Float32, Float64, BFloat16, Int64, Bool, ..."""
    return dtype_label(input.dtype)


@tensors.command("tensor_item", TENSOR_P, param("exact", BOOL, False), forms=["tensor"],
                 returns="number")
def tensor_item(tensor, exact):
    """The value of a one-element tensor: floats as %f (5.000000, the reference's form, which
    keeps six decimals: 1.5e-7 reads 0.000000), integers and bools as is. With `-exact true`,
    floats come in full precision instead, the shortest text that reads back as the same double
    (1.500000053056283e-07 for a float32 1.5e-7): what to log or compare."""
    if tensor.numel() != 1:
        raise CommandError(f"Tensor has {tensor.numel()} elements; tensor_item needs exactly one")
    value = tensor.item()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    text = repr if exact else "{:f}".format
    if isinstance(value, complex):
        return f"{text(value.real)} {text(value.imag)}"
    return text(value)


@tensors.command("tensor_reshape", tensor_input(aliases=()), param("shape", INTS),
                 errors=INPUT_REQUIRED, returns="tensor handle")
def tensor_reshape(input, shape):
    """The tensor with a new shape (one dimension may be -1); a view where PyTorch can."""
    return input.reshape(shape)


# --- arithmetic -----------------------------------------------------------------------------------
BINARY = (param("input", TENSOR_OR_NUMBER, aliases=("input1", "tensor1"), label="tensor1",
                invalid="Invalid first tensor name"),
          param("other", TENSOR_OR_NUMBER, aliases=("input2", "tensor2"), label="tensor2",
                invalid="Invalid second tensor name"))
BINARY_ERRORS = {"missing": "Required parameters missing: {required}"}


def _tensor(x, like):
    """A number operand becomes a 0-d tensor on the other operand's device."""
    if isinstance(x, torch.Tensor):
        return x
    if isinstance(like, torch.Tensor):
        return torch.tensor(x, device=like.device)
    raise CommandError("Invalid first tensor name: at least one operand must be a tensor")


def binary(name, op, alpha=False, doc=""):
    params = BINARY + ((param("alpha", NUMBER, 1),) if alpha else ())
    forms = ["tensor1 tensor2 ?alpha?"] if alpha else ["tensor1 tensor2"]

    tensor = torch.Tensor
    if alpha:
        def body(input, other, alpha):
            if isinstance(input, tensor) and isinstance(other, tensor) and alpha == 1:
                return op(input, other)
            return op(_tensor(input, other), _tensor(other, input), alpha=alpha)
    else:
        def body(input, other):
            if isinstance(input, tensor) and isinstance(other, tensor):
                return op(input, other)
            return op(_tensor(input, other), _tensor(other, input))
    body.__doc__ = doc
    tensors.command(name, *params, forms=forms, errors=BINARY_ERRORS,
                    returns="tensor handle", direct=op)(body)


binary("tensor_add", torch.add, alpha=True, doc="input + alpha * other, with broadcasting.")
binary("tensor_sub", torch.sub, alpha=True, doc="input - alpha * other, with broadcasting.")
binary("tensor_mul", torch.mul, doc="Element-wise product, with broadcasting.")
binary("tensor_div", torch.div, doc="Element-wise true division, with broadcasting.")
binary("tensor_matmul", torch.matmul, doc="Matrix product (batched where inputs are).")


# --- reductions -----------------------------------------------------------------------------------
def reduction(name, op, errors, doc):
    def body(input, dim, keepdim):
        return op(input) if dim is None else op(input, dim, keepdim=keepdim)
    body.__doc__ = doc
    tensors.command(name, TENSOR_INPUT,
                    param("dim", INT, None, invalid="Invalid dimension value: {value}"),
                    param("keepdim", BOOL, False), forms=["tensor ?dim?"], errors=errors,
                    returns="tensor handle", direct=op)(body)


reduction("tensor_sum", torch.sum, {}, "Sum of all elements, or along dim.")
reduction("tensor_mean", torch.mean, INPUT_REQUIRED, "Mean of all elements, or along dim.")

