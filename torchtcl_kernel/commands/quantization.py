"""Quantized tensors: quantize, dequantize, fake quantization and quantized ops (the spec's
quantization family).

A quantized tensor is an ordinary tensor handle whose dtype is quint8, qint8 or qint32: it keeps
integers q and reads as scale * (q - zero_point), with one scale and zero point for the whole
tensor (per-tensor) or one per slice along an axis (per-channel). Every command is the PyTorch
call named in its docstring, so values, dtypes, shapes, devices and errors are PyTorch's. The
commands that read a quantized tensor's parameters refuse any other tensor with a plain error
rather than PyTorch's dispatcher message.

PyTorch 2.13 warns, once per process, that quantized tensor creation is deprecated; the commands
keep that warning out of scripts' output (it is about PyTorch's plans, not about the script).
"""

import functools
import warnings

import torch

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.types import FLOAT, INT, QDTYPE, TENSOR, dtype_label
from .common import tensor_input

quantization = Family("quantization")

_DEPRECATION = "torch.quantize_per_tensor, torch.quantize_per_channel and other quantized"

# --- parameters several commands share ------------------------------------------------------------
INPUT = tensor_input(label="input", aliases=())                     # the float tensor to quantize
# A quantized tensor to read: `quantized_tensor` in the positional syntax, -input by name.
QUANTIZED = tensor_input(label="quantized_tensor", aliases=(), invalid="Invalid quantized tensor")
SCALE = param("scale", FLOAT)
ZERO_POINT = param("zero_point", INT)
SCALES = param("scales", TENSOR)
ZERO_POINTS = param("zero_points", TENSOR)
AXIS = param("axis", INT)
DTYPE = param("dtype", QDTYPE)
QUANT_MIN = param("quant_min", INT, -128)
QUANT_MAX = param("quant_max", INT, 127)
OPERANDS = (param("tensor1", TENSOR), param("tensor2", TENSOR))


def quiet(func):
    """The command without PyTorch's deprecation warning about quantized tensors."""
    @functools.wraps(func)
    def run(*args, **kw):
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", _DEPRECATION, UserWarning)
            return func(*args, **kw)
    return run


def _scheme(t):
    return str(t.qscheme()).rsplit(".", 1)[-1]


def quantized(t, scheme=None):
    """t when it is quantized (with a per-tensor or per-channel scheme when `scheme` says which),
    else a CommandError that says what it is."""
    if not t.is_quantized:
        raise CommandError(f"Expected a quantized tensor, got a {dtype_label(t.dtype)} tensor")
    if scheme is not None and not _scheme(t).startswith(scheme):
        raise CommandError(f"Expected a {scheme.replace('_', '-')} quantized tensor, got a "
                           f"{_scheme(t)} one")
    return t


# --- quantize and dequantize ------------------------------------------------------------------
@quantization.command("quantize_per_tensor", INPUT, SCALE, ZERO_POINT, DTYPE,
                      returns="tensor handle (quantized)")
@quiet
def quantize_per_tensor(input, scale, zero_point, dtype):
    """Quantizes a float tensor with one scale and zero point (torch.quantize_per_tensor):
    q = clamp(round(x / scale) + zero_point) in the dtype's range (quint8, qint8 or qint32; the
    words uint8, int8 and int32 name them too). zero_point must lie in that range."""
    return torch.quantize_per_tensor(input, scale, zero_point, dtype)


@quantization.command("quantize_per_channel", INPUT, SCALES, ZERO_POINTS, AXIS, DTYPE,
                      returns="tensor handle (quantized)")
@quiet
def quantize_per_channel(input, scales, zero_points, axis, dtype):
    """Quantizes a float tensor with a scale and zero point per slice along axis
    (torch.quantize_per_channel): scales and zero_points are 1-D, as long as that dimension.
    PyTorch takes a non-negative axis only. Floating-point zero_points select PyTorch's
    float-qparams scheme, which has no qint32 kernel."""
    if zero_points.is_floating_point() and dtype == torch.qint32:
        # torch 2.13 stops the process there (an illegal instruction), not an exception
        raise CommandError("qint32 takes integer zero_points: floating-point ones (the "
                           "float-qparams scheme) work with quint8 and qint8 only")
    return torch.quantize_per_channel(input, scales, zero_points, axis, dtype)


@quantization.command("dequantize", QUANTIZED, aliases=("deQuantize",),
                      errors={"missing": "Usage: {usage}"}, returns="tensor handle")
def dequantize(input):
    """The float tensor a quantized tensor stands for, scale * (q - zero_point)
    (Tensor.dequantize). As in PyTorch, a tensor that is not quantized comes back as it is."""
    return input.dequantize()


@quantization.command("int_repr", tensor_input(label="quantized_tensor",
                                               invalid="Invalid quantized tensor: {value}"),
                      errors={"missing": "Required parameters missing: input quantized tensor "
                                         "required",
                              "no_value": "Named parameters must come in pairs"},
                      returns="tensor handle")
def int_repr(input):
    """The integers a quantized tensor stores, without its scale and zero point
    (Tensor.int_repr): uint8 for quint8, int8 for qint8, int32 for qint32."""
    return quantized(input).int_repr()


# --- a quantized tensor's parameters ----------------------------------------------------------
def reader(name, method, scheme, doc, returns):
    """Declares `torch::name quantized_tensor` as quantized_tensor.method()."""
    def body(input):
        return getattr(quantized(input, scheme), method)()
    body.__doc__ = doc
    quantization.command(name, QUANTIZED, returns=returns)(body)


_READERS = [
    ("q_scale", "q_scale", "per_tensor", "double",
     "The scale of a per-tensor quantized tensor (Tensor.q_scale)."),
    ("q_zero_point", "q_zero_point", "per_tensor", "integer",
     "The zero point of a per-tensor quantized tensor (Tensor.q_zero_point)."),
    ("q_per_channel_axis", "q_per_channel_axis", "per_channel", "integer",
     "The dimension along which a per-channel quantized tensor has its scales and zero points "
     "(Tensor.q_per_channel_axis)."),
    ("q_per_channel_scales", "q_per_channel_scales", "per_channel", "tensor handle",
     "The scales of a per-channel quantized tensor, one per slice along its axis "
     "(Tensor.q_per_channel_scales): a 1-D float64 tensor, as PyTorch keeps them."),
    ("q_per_channel_zero_points", "q_per_channel_zero_points", "per_channel", "tensor handle",
     "The zero points of a per-channel quantized tensor, one per slice along its axis "
     "(Tensor.q_per_channel_zero_points): a 1-D int64 tensor, PyTorch's dtype for them (the "
     "reference page says int32)."),
]
for _name, _method, _scheme_name, _returns, _doc in _READERS:
    reader(_name, _method, _scheme_name, _doc, _returns)


# --- fake quantization ------------------------------------------------------------------------
@quantization.command("fake_quantize_per_tensor", INPUT, SCALE, ZERO_POINT, QUANT_MIN, QUANT_MAX,
                      returns="tensor handle")
def fake_quantize_per_tensor(input, scale, zero_point, quant_min, quant_max):
    """Rounds a float tensor to the values quantization with one scale and zero point could
    give, keeping it float (torch.fake_quantize_per_tensor_affine): (clamp(round(x / scale) +
    zero_point, quant_min, quant_max) - zero_point) * scale. Its gradient passes straight
    through where x was not clamped, for quantization-aware training."""
    return torch.fake_quantize_per_tensor_affine(input, scale, zero_point, quant_min, quant_max)


@quantization.command("fake_quantize_per_channel", INPUT, SCALES, ZERO_POINTS, AXIS, QUANT_MIN,
                      QUANT_MAX, returns="tensor handle")
def fake_quantize_per_channel(input, scales, zero_points, axis, quant_min, quant_max):
    """Fake quantization with a scale and zero point per slice along axis
    (torch.fake_quantize_per_channel_affine): the tensor stays float, its values become those
    quantization would give, and the gradient passes straight through where nothing was
    clamped. PyTorch wants float32 scales and int32 (or float) zero points."""
    return torch.fake_quantize_per_channel_affine(input, scales, zero_points, axis, quant_min,
                                                  quant_max)


# --- arithmetic on quantized tensors ----------------------------------------------------------
def _binary(qop, float_op, tensor1, tensor2, scale, zero_point):
    """qop(tensor1, tensor2, scale, zero_point) on two quantized tensors; two float tensors are
    combined by float_op and the result quantized to quint8 with that scale and zero point."""
    if tensor1.is_quantized and tensor2.is_quantized:
        return qop(tensor1, tensor2, scale, zero_point)
    if tensor1.is_quantized or tensor2.is_quantized:
        raise CommandError("tensor1 and tensor2 must both be quantized or both be float tensors")
    return torch.quantize_per_tensor(float_op(tensor1, tensor2), scale, zero_point, torch.quint8)


@quantization.command("quantized_add", *OPERANDS, SCALE, ZERO_POINT, param("alpha", FLOAT, 1.0),
                      returns="tensor handle (quantized)")
@quiet
def quantized_add(tensor1, tensor2, scale, zero_point, alpha):
    """tensor1 + alpha * tensor2 as a quantized tensor with the given output scale and zero
    point. Two per-tensor quantized tensors of one dtype go to PyTorch's quantized kernel
    (torch.ops.quantized.add, alpha applied first by torch.ops.quantized.mul with a scalar,
    which only rescales); two float tensors are added (torch.add) and the sum quantized to
    quint8 (torch.quantize_per_tensor), the pages' float examples thus giving the quantized sum
    their scale and zero point describe."""
    def qadd(a, b, scale, zero_point):
        if alpha != 1.0:
            b = torch.ops.quantized.mul(b, alpha)
        return torch.ops.quantized.add(a, b, scale, zero_point)
    return _binary(qadd, lambda a, b: torch.add(a, b, alpha=alpha),
                   tensor1, tensor2, scale, zero_point)


@quantization.command("quantized_mul", *OPERANDS, SCALE, ZERO_POINT,
                      returns="tensor handle (quantized)")
@quiet
def quantized_mul(tensor1, tensor2, scale, zero_point):
    """tensor1 * tensor2 as a quantized tensor with the given output scale and zero point: two
    per-tensor quantized tensors of one dtype through torch.ops.quantized.mul, two float
    tensors multiplied (torch.mul, broadcasting) and the product quantized to quint8."""
    return _binary(torch.ops.quantized.mul, torch.mul,
                   tensor1, tensor2, scale, zero_point)


@quantization.command("quantized_relu", QUANTIZED,
                      errors={"missing": "Usage: {cmd} quantized_tensor\n"
                                         "   or: {cmd} -input TENSOR"},
                      returns="tensor handle (quantized)")
@quiet
def quantized_relu(input):
    """max(x, 0) on a quantized tensor (torch.relu on it): the stored integers below the zero
    point become the zero point; dtype, scale and zero point stay."""
    return torch.relu(quantized(input))
