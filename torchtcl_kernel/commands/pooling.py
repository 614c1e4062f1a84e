"""Pooling: max, average, power-average (Lp), adaptive and fractional pooling.

The pages split these commands two ways, and each command follows its own page:

* max and average pooling build layers: `torch::maxpool2d 2` is a torch.nn.MaxPool2d module
  handle, run with `torch::layer_forward` (or inside `torch::sequential`). Given an input tensor
  too (`torch::maxpool2d $x 2`, `-input $x`, as other pages and API.md use them), maxpool1d/2d/3d
  and avgpool2d apply that same layer to it and return the pooled tensor. avgpool1d always takes
  an input and returns the pooled tensor; avgpool3d's page takes an input but returns the layer.
* adaptive, Lp and fractional pooling apply the operation to an input tensor and return the
  result.

Every result is PyTorch's own (the module's forward pass, or the torch.nn.functional call):
values, dtype, shape, batched (N, C, ...) or unbatched (C, ...) input, autograd. Sizes (kernel,
stride, padding, output size) take one integer for every spatial dimension or a list with one per
dimension.
"""

import torch
import torch.nn.functional as F

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.types import BOOL, FLOAT, INT, INT_OR_INTS, NUMBERS, TENSOR
from .common import non_negative, positive, tensor_input

pooling = Family("pooling")


def each(pred, n=None):
    """A check on an integer-or-list value: pred holds for every entry (a list not empty; of n
    entries when n is given)."""
    def check(value):
        values = value if isinstance(value, tuple) else (value,)
        if not values or (n is not None and isinstance(value, tuple) and len(values) != n):
            return False
        return all(pred(v) for v in values)
    return check


def _ratio_ok(n):
    def check(value):
        values = value if isinstance(value, list) else [value]
        if len(values) not in (1, n):
            return False
        return all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0
                   for v in values)
    return check


def _sizes(value, n, message):
    """value (an integer or a list) as PyTorch takes it, or the page's error when a list has not n
    entries."""
    if isinstance(value, tuple) and len(value) != n:
        raise CommandError(message)
    return value


def camel_pool(name):
    """The pages' camelCase names of maxpool2d, avgpool1d, lppool3d...: maxPool2d, avgPool1d."""
    return name.replace("pool", "Pool")


# --- parameters the commands share ------------------------------------------------------------
INPUT = tensor_input(label="input", invalid="Invalid input tensor name")
# The layer commands' input: given, the layer is applied to it.
LAYER_INPUT = param("input", TENSOR, None, aliases=("tensor",),
                    invalid="Invalid input tensor name")
KERNEL = param("kernel_size", INT_OR_INTS, check=each(positive),
               check_msg="kernelSize must be > 0")
STRIDE = param("stride", INT_OR_INTS, None, check=each(positive), check_msg="stride must be > 0")
PADDING = param("padding", INT_OR_INTS, 0, check=each(non_negative),
                check_msg="padding must be >= 0")
DILATION = param("dilation", INT_OR_INTS, 1, check=each(positive),
                 check_msg="dilation must be > 0")
CEIL_MODE = param("ceil_mode", BOOL, False)
COUNT_INCLUDE_PAD = param("count_include_pad", BOOL, True)
DIVISOR_OVERRIDE = param("divisor_override", INT, None, check=positive,
                         check_msg="divisorOverride must be > 0")
RETURN_INDICES = param("return_indices", BOOL, False)

LAYER_ERRORS = {"missing": "Usage: {usage}", "usage": "Invalid number of arguments"}


# --- max pooling: a layer, or that layer applied to an input ------------------------------------
def max_pool(name, module, forms, doc):
    def body(kernel_size, stride, padding, dilation, ceil_mode, return_indices, input):
        layer = module(kernel_size, stride, padding, dilation, return_indices=return_indices,
                       ceil_mode=ceil_mode)
        return layer if input is None else layer(input)
    body.__doc__ = doc
    pooling.command(name, KERNEL, STRIDE, PADDING, DILATION, CEIL_MODE, RETURN_INDICES,
                    LAYER_INPUT, forms=forms, errors=LAYER_ERRORS, aliases=(camel_pool(name),),
                    returns="module handle, or tensor handle with an input "
                            "(a list {output indices} with -returnIndices 1)")(body)


_MAX_DOC = ("A {d}-D max pooling layer, torch.nn.MaxPool{d}d: the largest value of each "
            "window. With an input tensor, the pooled tensor (with -returnIndices 1 a list "
            "{{output indices}}). The stride defaults to the kernel size.")
_LAYER_FORM = "kernel_size ?stride? ?padding? ?ceil_mode?"
for _d, _module, _layer_form, _tensor_form in [
        (1, torch.nn.MaxPool1d, _LAYER_FORM, "input " + _LAYER_FORM),
        # maxpool2d's positional slots follow API.md: dilation before ceil_mode
        (2, torch.nn.MaxPool2d, "kernel_size ?stride? ?padding? ?dilation? ?ceil_mode?",
         "input kernel_size ?stride? ?padding? ?dilation? ?ceil_mode? ?return_indices?"),
        (3, torch.nn.MaxPool3d, _LAYER_FORM, "input " + _LAYER_FORM)]:
    max_pool(f"maxpool{_d}d", _module, [_layer_form, _tensor_form], _MAX_DOC.format(d=_d))


# --- average pooling ------------------------------------------------------------------------------
def avg_pool(name, module, input_param, forms, returns, doc, errors=None, divisor=True):
    extra = (DIVISOR_OVERRIDE,) if divisor else ()

    def body(input, kernel_size, stride, padding, ceil_mode, count_include_pad,
             divisor_override=None):
        options = {"divisor_override": divisor_override} if divisor else {}
        layer = module(kernel_size, stride, padding, ceil_mode=ceil_mode,
                       count_include_pad=count_include_pad, **options)
        if returns == "module handle":
            with torch.no_grad():
                layer(input)       # the page's "invalid dimensions" errors, before the layer
            return layer
        return layer if input is None else layer(input)
    body.__doc__ = doc
    pooling.command(name, input_param, KERNEL, STRIDE, PADDING, CEIL_MODE, COUNT_INCLUDE_PAD,
                    *extra, forms=forms, errors={**LAYER_ERRORS, **(errors or {})},
                    aliases=(camel_pool(name),),
                    returns=returns)(body)


_AVG_FORM = "input kernel_size ?stride? ?padding? ?count_include_pad?"
avg_pool("avgpool1d", torch.nn.AvgPool1d, INPUT, [_AVG_FORM], "tensor handle",
         "1-D average pooling of an input tensor (torch.nn.functional.avg_pool1d): the mean of "
         "each window; padding zeros count in the mean unless -countIncludePad 0.",
         errors={"missing": "Named parameters require pairs: -param value",
                 "no_value": "Named parameters require pairs: -param value"}, divisor=False)
# avgpool2d has a layer page and a tensor page: both syntaxes work, told apart by the first word
# (the tensor page's order comes first, so a word that is no handle says so).
avg_pool("avgpool2d", torch.nn.AvgPool2d, LAYER_INPUT,
         [_AVG_FORM, "kernel_size ?stride? ?padding? ?ceil_mode? ?count_include_pad?"],
         "module handle, or tensor handle with an input",
         "A 2-D average pooling layer, torch.nn.AvgPool2d: the mean of each window. With an "
         "input tensor, the pooled tensor. The stride defaults to the kernel size.")
avg_pool("avgpool3d", torch.nn.AvgPool3d, INPUT, [_AVG_FORM], "module handle",
         "A 3-D average pooling layer, torch.nn.AvgPool3d, as its page has it: the input is "
         "required, and checked by pooling it once (a wrong shape is an error here), but the "
         "result is the layer; `torch::layer_forward` pools tensors with it.")


# --- adaptive pooling: the output size is given, the windows follow -----------------------------
ADAPTIVE_MISSING = "Required parameters: input tensor and positive output_size"


def adaptive(name, op, n, doc):
    if n == 1:
        size = param("output_size", INT, check=positive, check_msg=ADAPTIVE_MISSING,
                     invalid="Invalid output_size: must be an integer")
    else:
        size = param("output_size", INT_OR_INTS, check=each(positive),
                     check_msg=ADAPTIVE_MISSING,
                     invalid="Output size must be an int or list of 3 ints")

    def body(input, output_size):
        return op(input, _sizes(output_size, n, "Output size must be an int or list of 3 ints"))
    body.__doc__ = doc
    errors = {"missing": ADAPTIVE_MISSING}
    if n == 1:
        errors["missing_positional"] = "Wrong number of arguments: expected 'input output_size'"
    pooling.command(name, INPUT, size, errors=errors, returns="tensor handle")(body)


for _kind, _op, _n, _what in [
        ("avg", F.adaptive_avg_pool1d, 1, "mean"), ("avg", F.adaptive_avg_pool3d, 3, "mean"),
        ("max", F.adaptive_max_pool1d, 1, "maximum"),
        ("max", F.adaptive_max_pool3d, 3, "maximum")]:
    adaptive(f"adaptive_{_kind}pool{_n}d", _op, _n,
             f"{_n}-D adaptive {_kind} pooling (torch.nn.functional.adaptive_{_kind}_pool{_n}d): "
             f"the {_what} over windows chosen so the output has the given size"
             + (" (one integer, or a list of 3)." if _n == 3 else ".")
             + (" Only the pooled values come back, not the indices." if _kind == "max" else ""))


# --- Lp pooling: (sum of x^p over each window)^(1/p) ---------------------------------------------
LP = "Required parameters missing or invalid: "
NORM_TYPE = param("norm_type", FLOAT, check=positive, check_msg=LP + "normType must be positive")
LP_KERNEL = param("kernel_size", INT_OR_INTS, check=each(positive),
                  check_msg=LP + "kernelSize must be positive")


def lp_pool(name, op, n, doc):
    def body(input, norm_type, kernel_size, stride, ceil_mode):
        kernel_size, stride = (_sizes(v, n, f"List must have length {n}")
                               for v in (kernel_size, stride))
        if n == 1:            # lp_pool1d multiplies by kernel_size: it takes an integer only
            kernel_size, stride = (v[0] if isinstance(v, tuple) else v
                                   for v in (kernel_size, stride))
        return op(input, norm_type, kernel_size, stride, ceil_mode)
    body.__doc__ = doc
    pooling.command(name, INPUT, NORM_TYPE, LP_KERNEL, STRIDE, CEIL_MODE,
                    errors={"missing": LP + "{camel} is required"}, aliases=(camel_pool(name),),
                    returns="tensor handle")(body)


for _n, _op in [(1, F.lp_pool1d), (2, F.lp_pool2d), (3, F.lp_pool3d)]:
    lp_pool(f"lppool{_n}d", _op, _n,
            f"{_n}-D power-average pooling (torch.nn.functional.lp_pool{_n}d): each window's "
            "(sum of x^p)^(1/p), p the norm type; p 1 is sum pooling, a large p nears max "
            "pooling. The stride defaults to the kernel size.")


# --- fractional max pooling: pseudo-random windows ------------------------------------------
def fractional(name, module, n, doc):
    kernel = param("kernel_size", INT_OR_INTS, check=each(positive, n),
                   check_msg=f"Expected {n} integers for kernel_size, each > 0")
    ratio = param("output_ratio", NUMBERS, (0.5,) * n, check=_ratio_ok(n),
                  check_msg=f"output_ratio: Must be positive, a number or a list of {n}")

    def body(input, kernel_size, output_ratio):
        # the module, not the function: F.fractional_max_pool2d fails on one number for the ratio
        return module(kernel_size, output_ratio=output_ratio)(input)
    body.__doc__ = doc
    pooling.command(name, INPUT, kernel, ratio, returns="tensor handle")(body)


for _n, _module in [(2, torch.nn.FractionalMaxPool2d), (3, torch.nn.FractionalMaxPool3d)]:
    fractional(f"fractional_maxpool{_n}d", _module, _n,
               f"{_n}-D fractional max pooling (torch.nn.FractionalMaxPool{_n}d): "
               "the maximum over pseudo-random windows, the output each size times the ratio "
               "(default 0.5). The windows come from PyTorch's random generator: "
               "`torch::manual_seed` makes them repeat.")
