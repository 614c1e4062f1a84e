"""Convolutions: convolution and transposed-convolution layers and functions, fold and unfold.

Each command is a thin layer over the PyTorch call its docstring names: values, dtype, shape,
device and autograd are PyTorch's.

conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose_2d and conv_transpose3d have two uses,
told apart by their first word (or by their options). Given a tensor (`input weight ...`, or
`-input`/`-weight`), they convolve it with the weight at once (torch.nn.functional.conv2d, ...)
and return a tensor handle, as most pages and the other pages' examples use them. Given channel
counts and a kernel size (`in_channels out_channels kernel_size ...`, or `-inChannels` ...), they
create the layer (torch.nn.Conv2d, ...) and return its module handle, run with
`torch::layer_forward`, as conv2d.md and API.md use conv2d and conv_transpose_2d. The
tensor_conv* commands are functions only.
"""

import functools

import torch
import torch.nn.functional as F

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.types import BIAS, CONV_PADDING, INT, INT_OR_INTS, MODULE, TENSOR
from .common import positive

conv = Family("conv")

# --- parameters the convolutions share ------------------------------------------------------------
# In the function use, input and weight are required; the dual commands check that themselves.
INPUT = param("input", TENSOR, None, aliases=("tensor",), invalid="Invalid input tensor name")
WEIGHT = param("weight", TENSOR, None, invalid="Invalid weight tensor name")
REQUIRED_INPUT = param("input", TENSOR, aliases=("tensor",), invalid="Invalid input tensor name")
REQUIRED_WEIGHT = param("weight", TENSOR, invalid="Invalid weight tensor name")
# A tensor or none for a function; a boolean (learn a bias or not) for a layer.
BIAS_PARAM = param("bias", BIAS, None, invalid="Invalid bias tensor name")
GROUPS = param("groups", INT, 1, invalid="Invalid groups value")
_CHANNELS_MSG = "Invalid {name}: {value} (must be positive)"
IN_CHANNELS = param("in_channels", INT, None, check=positive, check_msg=_CHANNELS_MSG)
OUT_CHANNELS = param("out_channels", INT, None, check=positive, check_msg=_CHANNELS_MSG)


def _fits(n, positive_only=False):
    """Whether an int-or-list value gives one size per spatial dimension (a padding mode word
    passes: PyTorch reads it)."""
    def check(value):
        if isinstance(value, str):
            return True
        sizes = (value,) if isinstance(value, int) else value
        if positive_only and not all(s > 0 for s in sizes):
            return False
        return isinstance(value, int) or len(value) == n
    return check


@functools.cache
def sizes(n):
    """The size parameters of an n-d convolution, each an integer (for every spatial dimension)
    or a list of n integers: {name: Param}."""
    msg = f"Value must be int or list of {n} ints"

    def size(name, default, type=INT_OR_INTS):
        return param(name, type, default, check=_fits(n), check_msg=msg,
                     invalid=f"Invalid {name} value")
    return {
        "kernel_size": param("kernel_size", INT_OR_INTS, None, check=_fits(n, True),
                             check_msg=f"Invalid kernel_size: {{value}} (must be a positive int "
                                       f"or a list of {n} positive ints)",
                             invalid="Invalid kernel_size value"),
        "stride": size("stride", 1),
        "padding": size("padding", 0, CONV_PADDING),        # also same or valid
        "transposed_padding": size("padding", 0),           # no padding modes
        "output_padding": size("output_padding", 0),
        "dilation": size("dilation", 1),
    }


# --- convolutions: one table ----------------------------------------------------------------------
# name, spatial dimensions, transposed, uses ("function", "layer": the first is the page's), the
# page's error texts, further names.
_INPUT_AND_WEIGHT = "Required parameters missing: input and weight must be specified"
CONVOLUTIONS = [
    ("conv1d", 1, False, ("function", "layer"), {}),
    ("conv2d", 2, False, ("layer", "function"), {}, ("conv2dLayer",)),
    ("conv3d", 3, False, ("function", "layer"),
     {"missing": "Required parameters: input and weight"}),
    ("tensor_conv1d", 1, False, ("function",), {}),
    ("conv_transpose1d", 1, True, ("function", "layer"), {"missing": _INPUT_AND_WEIGHT}),
    ("conv_transpose_2d", 2, True, ("function", "layer"), {}),
    ("conv_transpose3d", 3, True, ("function", "layer"),
     {"missing": "Required parameters 'input' and 'weight' are missing",
      "no_value": "Named parameters must come in pairs"}),
    ("tensor_conv_transpose1d", 1, True, ("function",), {}),
    ("tensor_conv_transpose2d", 2, True, ("function",), {}),
]
# The positional forms of each use (API.md's longer layer form for conv2d comes second).
_FORMS = {
    ("function", False): ["input weight ?bias? ?stride? ?padding? ?dilation? ?groups?"],
    ("function", True): ["input weight ?bias? ?stride? ?padding? ?output_padding? ?groups? "
                         "?dilation?"],
    ("layer", False): ["in_channels out_channels kernel_size ?stride? ?padding? ?bias?",
                       "in_channels out_channels kernel_size stride padding dilation groups "
                       "?bias?"],
    ("layer", True): ["in_channels out_channels kernel_size ?stride? ?padding? ?output_padding? "
                      "?groups? ?bias? ?dilation?"],
}
_FUNCTIONS = {(1, False): F.conv1d, (2, False): F.conv2d, (3, False): F.conv3d,
              (1, True): F.conv_transpose1d, (2, True): F.conv_transpose2d,
              (3, True): F.conv_transpose3d}
_LAYERS = {(1, False): torch.nn.Conv1d, (2, False): torch.nn.Conv2d, (3, False): torch.nn.Conv3d,
           (1, True): torch.nn.ConvTranspose1d, (2, True): torch.nn.ConvTranspose2d,
           (3, True): torch.nn.ConvTranspose3d}


def _bias_tensor(bias):
    """A function's bias from the -bias value: a tensor, or None for none/false."""
    if bias is True:
        raise CommandError("Invalid bias: a convolution of tensors takes a bias tensor or none")
    return bias if isinstance(bias, torch.Tensor) else None


def _layer(cls, transposed, in_channels, out_channels, kernel_size, bias, stride, padding,
           dilation, groups, output_padding=0):
    if isinstance(bias, torch.Tensor):
        raise CommandError("Invalid bias: a layer takes a boolean -bias (learn a bias or not); "
                           "set its values with conv2d_set_weights")
    learn = bias is None or bias
    if transposed:
        return cls(in_channels, out_channels, kernel_size, stride, padding, output_padding,
                   groups, learn, dilation)
    return cls(in_channels, out_channels, kernel_size, stride, padding, dilation, groups, learn)


def convolution(name, n, transposed, uses, errors, aliases=()):
    """Declare one convolution command of the table."""
    s = sizes(n)
    fn, cls = _FUNCTIONS[n, transposed], _LAYERS[n, transposed]
    tail = [BIAS_PARAM, s["stride"], s["transposed_padding" if transposed else "padding"]]
    tail += [s["output_padding"], GROUPS, s["dilation"]] if transposed else [s["dilation"], GROUPS]
    forms = [f for use in uses for f in _FORMS[use, transposed]]
    kind = "transposed convolution" if transposed else "convolution"
    function_doc = f"the {n}-D {kind} of input with weight (torch.nn.functional.{fn.__name__})"
    layer_doc = f"a {n}-D {kind} layer (torch.nn.{cls.__name__})"

    if transposed:
        def function(input, weight, bias, stride, padding, output_padding, groups, dilation):
            return fn(input, weight, _bias_tensor(bias), stride, padding, output_padding, groups,
                      dilation)
    else:
        def function(input, weight, bias, stride, padding, dilation, groups):
            return fn(input, weight, _bias_tensor(bias), stride, padding, dilation, groups)

    if uses == ("function",):
        body, params, returns = function, [REQUIRED_INPUT, REQUIRED_WEIGHT, *tail], "tensor handle"
        doc = function_doc[0].upper() + function_doc[1:] + "."
    else:
        missing = errors.get("missing", "Required parameter missing: {name}")

        def body(input, weight, in_channels, out_channels, kernel_size, **rest):
            layer_words = (in_channels, out_channels, kernel_size)
            if input is not None or weight is not None or (
                    uses[0] == "function" and layer_words == (None, None, None)):
                if any(w is not None for w in layer_words):
                    raise CommandError(f"torch::{name}: give -input and -weight (a {kind} of "
                                       "tensors) or -in_channels, -out_channels and "
                                       "-kernel_size (a layer), not both")
                for key, value in (("input", input), ("weight", weight)):
                    if value is None:
                        raise CommandError(missing.format(name=key, option="-" + key))
                return function(input, weight, **rest)
            for key, value in zip(("in_channels", "out_channels", "kernel_size"), layer_words,
                                  strict=True):
                if value is None:
                    raise CommandError("Required parameter missing: " + key)
            return _layer(cls, transposed, in_channels, out_channels, kernel_size, **rest)
        params = [INPUT, WEIGHT, IN_CHANNELS, OUT_CHANNELS, s["kernel_size"], *tail]
        returns = "tensor handle or module handle"
        first, second = (function_doc, layer_doc) if uses[0] == "function" else \
            (layer_doc, function_doc)
        doc = (f"{first[0].upper()}{first[1:]}, or {second}. Tensors (input weight ...) give "
               "the result at once; in_channels, out_channels and kernel_size give the layer's "
               "module handle, run with torch::layer_forward. A layer's -bias is a boolean "
               "(default true), a function's a tensor or none.")
    if transposed:
        doc += (" The weight's shape is (in_channels, out_channels/groups, kernel...);"
                " output_padding adds to one side of the output to settle its size.")
    else:
        doc += " The padding may also be same or valid, as in PyTorch."
    body.__doc__ = doc
    conv.command(name, *params, forms=forms, errors=errors, aliases=aliases,
                 returns=returns)(body)


for _row in CONVOLUTIONS:
    convolution(*_row)


# --- setting a layer's weights --------------------------------------------------------------------
@conv.command("conv2d_set_weights", param("layer", MODULE, label="layer_handle",
                                          invalid="Invalid layer name"),
              param("weight", TENSOR, label="weight_tensor", invalid="Invalid weight tensor name"),
              param("bias", TENSOR, None, label="bias_tensor", invalid="Invalid bias tensor name"),
              errors={"missing": "Required parameters: layer and weight"}, returns="OK")
def conv2d_set_weights(layer, weight, bias):
    """Copy a tensor into a Conv2d layer's weight (and one into its bias), in place.

    The tensors must have the shapes of the layer's own parameters (they are converted to the
    layer's dtype and device); the copy is not recorded by autograd. A bias given for a layer
    made without one is ignored, as the reference does.
    """
    if not isinstance(layer, torch.nn.Conv2d):
        raise CommandError(f"Layer is not a Conv2d layer (it is a {type(layer).__name__})")
    pairs = [("weight", layer.weight, weight)]
    if bias is not None and layer.bias is not None:
        pairs.append(("bias", layer.bias, bias))
    for what, target, source in pairs:
        if target.shape != source.shape:
            raise CommandError(f"Invalid {what} shape: {list(source.shape)} (the layer's {what} "
                               f"has shape {list(target.shape)})")
    with torch.no_grad():
        for _what, target, source in pairs:
            target.copy_(source)
    return "OK"


# --- fold and unfold ------------------------------------------------------------------------------
_SIZES_2D = sizes(2)


def _pair(name, text):
    return param(name, INT_OR_INTS, check=_fits(2), check_msg=text, invalid=f"Invalid {name} value")


@conv.command("fold", REQUIRED_INPUT,
              _pair("output_size", "Output size must be list of 2 ints"),
              _pair("kernel_size", "Kernel size must be list of 2 ints"),
              _SIZES_2D["dilation"], _SIZES_2D["transposed_padding"], _SIZES_2D["stride"],
              aliases=("Fold",),
              errors={"missing": "Required parameters missing: input tensor, output_size, and "
                                 "kernel_size required"},
              returns="tensor handle")
def fold(input, output_size, kernel_size, dilation, padding, stride):
    """Sum sliding blocks back into a batch of images (torch.nn.functional.fold, col2im).

    input is (N, C*kh*kw, L) or (C*kh*kw, L); the result is (N, C, *output_size). Overlapping
    blocks add up. An integer size stands for both dimensions, as in PyTorch.
    """
    return F.fold(input, output_size, kernel_size, dilation, padding, stride)


@conv.command("unfold", REQUIRED_INPUT,
              param("dimension", INT, invalid="Invalid dimension value"),
              param("size", INT, invalid="Invalid size value"),
              param("step", INT, invalid="Invalid step value"),
              returns="tensor handle")
def unfold(input, dimension, size, step):
    """Every slice of length size along dimension, step apart, as a new last dimension
    (Tensor.unfold: a view of input)."""
    return input.unfold(dimension, size, step)
