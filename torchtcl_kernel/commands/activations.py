"""Activation functions, each in two forms made from one table row.

* The functional command (`torch::elu $x ?alpha?`): one torch.nn.functional call on a tensor, so
  values, dtype, shape, device and autograd are PyTorch's own.
* Its layer twin (`torch::nn_elu ?alpha? ?inplace? ?device? ?dtype?`): the torch.nn module of the
  same activation, returned as a module handle to put in `torch::sequential` and run with
  `torch::layer_forward`. The layer takes the row's options that its torch.nn class takes (a
  functional-only option such as rrelu's `-training` is the module's train/eval mode instead),
  then `inplace` where the class has it, then `device` and `dtype` (as API.md's nn_relu has them;
  they move a layer's parameters, so they matter for nn_prelu only).

The tensor_* commands' twins drop the prefix (tensor_relu -> nn_relu). leaky_relu and celu are
declared in elementwise.py; their twins are made here from those declarations.
"""

import inspect

import torch
import torch.nn.functional as F

from ..core.errors import CommandError
from ..core.registry import REGISTRY, REQUIRED, Family, param
from ..core.types import BOOL, DEVICE, DTYPE, FLOAT, INT, TENSOR, Choice
from . import elementwise  # noqa: F401  (leaky_relu and celu, whose layer twins are made here)
from .common import TENSOR_INPUT, positive, tensor_input

activations = Family("activations")

# --- the parameters several commands share -------------------------------------------------------


def dim(default, invalid=None):
    """The dimension a softmax-like activation works along (`-dim`, `-dimension`)."""
    return param("dim", INT, default, aliases=("dimension",), invalid=invalid)


DIM_LAST = dim(-1)
INPLACE = param("inplace", BOOL, False)
LAYER_DEVICE = param("device", DEVICE, None)
LAYER_DTYPE = param("dtype", DTYPE, None)

# --- the pages' error texts ---------------------------------------------------------------------
WRONG_ARGS = {"missing": 'wrong # args: should be "{cmd} tensor | -input tensor"'}
USAGE_INFO = {"missing": "Usage: {cmd} tensor | {cmd} -input tensor"}
OPTION_UNKNOWN = {"unknown": "unknown option {option}"}
OPTION_NO_VALUE = {"no_value": "Missing value for option"}


# --- one row, two commands ----------------------------------------------------------------------
def _signed(func, names):
    """func, declaring that it takes exactly `names` (the registry reads its parameters from the
    signature)."""
    func.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names])
    return func


def _with_signature(names, call):
    """A function taking exactly `names`, calling call({name: value})."""
    def body(*args, **kw):
        kw.update(zip(names, args, strict=False))
        return call(kw)
    return _signed(body, names)


def _leads_with(op, names):
    """Whether op's first parameters are `names`, in that order, each positional or keyword."""
    try:
        taken = list(inspect.signature(op).parameters.values())[:len(names)]
    except (TypeError, ValueError):        # a builtin without a signature
        return False
    return [p.name for p in taken] == names and all(
        p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in taken)


def _layer_doc(module, name):
    return (f"A {module.__name__} layer (torch.nn), the module form of torch::{name}: a module "
            "handle for torch::sequential and torch::layer_forward.")


def layer_twin(name, module, validate=None, extra=(), aliases=()):
    """Declares `torch::nn_<name>` from the registered command `name`: the options of that command
    that `module`'s constructor takes, then `extra`, `inplace` (where the class takes it), device
    and dtype."""
    command = REGISTRY[name]
    takes = inspect.signature(module).parameters
    shared = [p for p in command.params if p.type is not TENSOR and p.name in takes]
    params = [*shared, *extra, *([INPLACE] if "inplace" in takes else []), LAYER_DEVICE,
              LAYER_DTYPE]
    own = [p.name for p in (*shared, *extra)] + (["inplace"] if "inplace" in takes else [])

    def build(values):
        if validate:
            validate(values)
        options = {k: values[k] for k in own}
        device, dtype = values["device"], values["dtype"]
        if "device" in takes:
            return module(**options, device=device, dtype=dtype)
        layer = module(**options)
        if device is None and dtype is None:
            return layer
        return layer.to(device=device, dtype=dtype)

    body = _with_signature([p.name for p in params], build)
    body.__doc__ = _layer_doc(module, name)
    layer_name = "nn_" + name.removeprefix("tensor_")
    activations.command(layer_name, *params, aliases=aliases, returns="module handle")(body)


def activation(name, op, module, doc, *params, source=TENSOR_INPUT, errors=None, aliases=(),
               validate=None, layer_extra=(), layer_aliases=()):
    """Declares `torch::name tensor ?options?` as op(input, **options) and its layer twin
    `torch::nn_name ?options?` as module(**options). Parameter names are op's and module's
    keyword names. `validate(values)` runs the checks that span several options, for both."""
    names = [source.name, *(p.name for p in params)]
    if validate is None and _leads_with(op, names):
        # op takes the command's parameters first, under the same names: called as it is, one
        # Python frame between Tcl and PyTorch (an MLP's ReLU runs at every step)
        def passthrough(*args, **kw):
            return op(*args, **kw)
        body = _signed(passthrough, names)
    else:
        def apply(values):
            if validate:
                validate(values)
            return op(values.pop(source.name), **values)
        body = _with_signature(names, apply)
    body.__doc__ = doc
    # with no option, the bridge may call op itself (the registry's direct)
    activations.command(name, source, *params, aliases=aliases, errors=errors,
                        returns="tensor handle",
                        direct=op if not params and validate is None else None)(body)
    layer_twin(name, module, validate, layer_extra, layer_aliases)


def ordered(low, high, text):
    """A check that option `low` is not above option `high`."""
    def validate(values):
        if values[low] > values[high]:
            raise CommandError(text)
    return validate


def softmax2d(input, dim):
    return F.softmax(input, dim)


# --- the table ----------------------------------------------------------------------------------
# name, functional op, torch.nn module, summary, options, keyword arguments of activation()
_ROWS = [
    ("tensor_relu", F.relu, torch.nn.ReLU, "max(0, x) for each element.", (), {}),
    ("tensor_sigmoid", torch.sigmoid, torch.nn.Sigmoid,
     "1 / (1 + exp(-x)) for each element.", (), {}),
    ("tensor_tanh", torch.tanh, torch.nn.Tanh, "The hyperbolic tangent of each element.", (), {}),
    ("tensor_softmax", F.softmax, torch.nn.Softmax,
     "Softmax along dim: exp(x) normalised to sum 1 there (API.md's tensor_softmax; -dtype "
     "casts the input first, as PyTorch's dtype argument does).",
     (dim(REQUIRED), param("dtype", DTYPE, None)), {}),
    ("elu", F.elu, torch.nn.ELU,
     "x where x > 0, alpha * (exp(x) - 1) below (default alpha 1; the reference refuses an "
     "alpha <= 0, which PyTorch would take: that check is kept).",
     (param("alpha", FLOAT, 1.0, invalid="invalid alpha value", check=positive,
            check_msg="alpha must be > 0"),),
     dict(aliases=("Elu",),
          errors={"missing_positional": 'wrong # args: should be "{cmd} tensor ?alpha?"',
                  "missing": "required parameter -input missing",
                  "no_value": 'wrong # args: should be "{cmd} -input tensor ?-alpha value?"',
                  **OPTION_UNKNOWN})),
    ("gelu", F.gelu, torch.nn.GELU,
     "The Gaussian error linear unit, x * Phi(x) (-approximate tanh: PyTorch's tanh "
     "approximation).",
     (param("approximate", Choice("none", "tanh"), "none"),), dict(errors=OPTION_NO_VALUE)),
    ("glu", F.glu, torch.nn.GLU,
     "The gated linear unit: dim (default the last) is halved into a and b, giving "
     "a * sigmoid(b); that dimension must be even.",
     (DIM_LAST,), dict(errors={**WRONG_ARGS, **OPTION_NO_VALUE})),
    ("hardsigmoid", F.hardsigmoid, torch.nn.Hardsigmoid,
     "The piecewise-linear sigmoid, clamp(x / 6 + 1 / 2, 0, 1).", (),
     dict(aliases=("hardSigmoid",), errors=USAGE_INFO)),
    ("hardswish", F.hardswish, torch.nn.Hardswish,
     "x * hardsigmoid(x): a piecewise swish, cheap to compute.", (),
     dict(aliases=("hardSwish",), errors=USAGE_INFO)),
    ("hardtanh", F.hardtanh, torch.nn.Hardtanh,
     "Each element clamped to [min_val, max_val] (default [-1, 1]).",
     (param("min_val", FLOAT, -1.0, aliases=("min",), invalid="Invalid min_val"),
      param("max_val", FLOAT, 1.0, aliases=("max",), invalid="Invalid max_val")),
     dict(aliases=("hardTanh",), errors=USAGE_INFO,
          validate=ordered("min_val", "max_val", "min_val must be <= max_val"))),
    ("logsoftmax", F.log_softmax, torch.nn.LogSoftmax,
     "log(softmax(x)) along dim (default the last), computed stably.",
     (dim(-1, invalid="Invalid dimension parameter"),),
     dict(aliases=("logSoftmax",), layer_aliases=("nn_log_softmax",),
          errors={"missing": "Required parameter missing: -input or -tensor"})),
    ("mish", F.mish, torch.nn.Mish, "x * tanh(softplus(x)) for each element.", (),
     dict(errors={**WRONG_ARGS, **OPTION_UNKNOWN})),
    ("relu6", F.relu6, torch.nn.ReLU6, "min(max(0, x), 6) for each element.", (),
     dict(errors=USAGE_INFO)),
    ("rrelu", F.rrelu, torch.nn.RReLU,
     "Randomized leaky ReLU: negatives times a slope drawn from U(lower, upper) per element "
     "with -training 1; with -training 0 (PyTorch's default, the reference's call) the fixed "
     "slope (lower + upper) / 2. The layer twin draws while the model is in training mode.",
     (param("lower", FLOAT, 1 / 8), param("upper", FLOAT, 1 / 3),
      param("training", BOOL, False)),
     dict(aliases=("rRelu",), validate=ordered("lower", "upper", "lower must be <= upper"))),
    ("selu", F.selu, torch.nn.SELU,
     "scale * elu(x, alpha) with the self-normalising constants of Klambauer et al.", (),
     dict(errors={**WRONG_ARGS, **OPTION_UNKNOWN})),
    ("silu", F.silu, torch.nn.SiLU, "x * sigmoid(x) for each element (also called swish).", (),
     dict(aliases=("siLU",))),
    ("softmax2d", softmax2d, torch.nn.Softmax,
     "Softmax along dim, by default 1 (the channels of an N,C,H,W batch, as torch.nn.Softmax2d "
     "does). The page's -dim option is kept, so this is softmax(x, dim): on a 3-d C,H,W input "
     "torch.nn.Softmax2d would use dim 0 instead. The layer twin is torch.nn.Softmax(dim), "
     "so that both forms agree.",
     (dim(1),), dict(aliases=("softmax2D",))),
    ("softmin", F.softmin, torch.nn.Softmin,
     "softmax(-x) along dim (default the last): small values get the large weights.",
     (DIM_LAST,), dict(aliases=("softMin",))),
    ("softplus", F.softplus, torch.nn.Softplus,
     "log(1 + exp(beta * x)) / beta, a smooth ReLU; linear above threshold (PyTorch's beta 1 "
     "and threshold 20 by default; the page names neither option).",
     (param("beta", FLOAT, 1.0), param("threshold", FLOAT, 20.0)),
     dict(aliases=("softPlus",))),
    ("softsign", F.softsign, torch.nn.Softsign, "x / (1 + |x|) for each element.", (),
     dict(aliases=("softSign",), errors=WRONG_ARGS)),
    ("tanhshrink", F.tanhshrink, torch.nn.Tanhshrink, "x - tanh(x) for each element.", (),
     dict(aliases=("tanhShrink",), errors={**WRONG_ARGS, **OPTION_UNKNOWN})),
    ("threshold", F.threshold, torch.nn.Threshold,
     "x where x > threshold, value elsewhere.",
     (param("threshold", FLOAT, invalid="Invalid threshold value"),
      param("value", FLOAT, invalid="Invalid value")),
     dict(aliases=("Threshold",), source=tensor_input(aliases=()),
          errors={"missing": "Required parameters missing: input tensor required",
                  "unknown": "Unknown parameter: {option}. Valid parameters are: {valid}"})),
    ("prelu", F.prelu, torch.nn.PReLU,
     "x where x >= 0, weight * x below, with a weight tensor (one slope, or one per channel of "
     "dim 1). The layer twin holds that weight as a learnable parameter: -num_parameters slopes "
     "(1, or the channel count) starting at -init.",
     (param("weight", TENSOR, invalid="Invalid weight tensor name"),),
     dict(source=tensor_input(invalid="Invalid input tensor name"),
          errors={"missing_positional": "Usage: {cmd} tensor weight",
                  "missing": "Required parameters missing (input and weight tensors required)"},
          layer_extra=(param("num_parameters", INT, 1, check=positive,
                             check_msg="num_parameters must be > 0"),
                       param("init", FLOAT, 0.25)))),
]
for _name, _op, _module, _doc, _params, _kw in _ROWS:
    activation(_name, _op, _module, _doc, *_params, **_kw)

# leaky_relu and celu are declared in elementwise.py
layer_twin("leaky_relu", torch.nn.LeakyReLU)
layer_twin("celu", torch.nn.CELU)
