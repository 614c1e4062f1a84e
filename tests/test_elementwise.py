"""The element-wise family against PyTorch: values, dtype promotion, shape and autograd on seeded
random inputs (non-contiguous, empty, integer and bool ones too), both syntaxes and every name,
and the error texts of the pages."""

import math

import pytest
import torch
import torch.nn.functional as F
from conftest import Session

from torchtcl_kernel.core.registry import REGISTRY, camel


@pytest.fixture(scope="module")
def tcl():
    """One interpreter for the whole file (a new one per test costs more than the tests)."""
    return Session()


def _exp10(x):
    """The reference for exp10: exp2's dtype, values computed in float64."""
    dtype = torch.exp2(x).dtype
    return torch.pow(10.0, x.to(torch.float64)).to(dtype)


UNARY = {
    "acos": torch.acos, "acosh": torch.acosh, "asin": torch.asin, "asinh": torch.asinh,
    "atan": torch.atan, "atanh": torch.atanh, "ceil": torch.ceil, "cos": torch.cos,
    "cosh": torch.cosh, "deg2rad": torch.deg2rad, "exp10": _exp10, "exp2": torch.exp2,
    "expm1": torch.expm1, "floor": torch.floor, "frac": torch.frac, "log10": torch.log10,
    "log1p": torch.log1p, "log2": torch.log2, "rad2deg": torch.rad2deg, "round": torch.round,
    "rsqrt": torch.rsqrt, "sin": torch.sin, "sinh": torch.sinh, "square": torch.square,
    "tan": torch.tan, "tensor_abs": torch.abs, "tensor_exp": torch.exp,
    "tensor_log": torch.log, "tensor_sqrt": torch.sqrt, "trunc": torch.trunc,
    "leaky_relu": F.leaky_relu, "celu": F.celu, "tensor_clamp": lambda x: x.clone(),
}
# Beyond camelCase, the names the pages give.
ALIASES = {"deg2rad": ["deg2Rad"], "rad2deg": ["radToDeg"], "sinh": ["siNh"],
           "rsqrt": ["rSqrt"], "square": ["Square"], "floor": ["Floor"], "frac": ["Frac"],
           "round": ["Round"]}


def _inputs():
    g = torch.Generator().manual_seed(17)
    return {
        "float32": torch.randn(3, 4, generator=g) * 2,
        "float64": torch.randn(5, generator=g, dtype=torch.float64) * 2,
        "noncontig": (torch.randn(4, 3, generator=g) * 2).t(),
        "empty": torch.empty(0, 3),
        "int64": torch.randint(-5, 6, (2, 3), generator=g),
        "int32": torch.randint(-5, 6, (4,), generator=g, dtype=torch.int32),
        "bool": torch.randint(0, 2, (3,), generator=g).bool(),
        "scalar": torch.tensor(0.75),
    }


INPUTS = _inputs()
assert not INPUTS["noncontig"].is_contiguous()


def _torch(fn, *args):
    try:
        return fn(*args), None
    except Exception as e:       # noqa: BLE001 - PyTorch refusing the input is a result too
        return None, e


def _same(got, expected):
    torch.testing.assert_close(got, expected, rtol=0, atol=0, equal_nan=True)


def check(tcl, script, fn, *inputs, close=False):
    """`script` (with {0}, {1}... for the inputs' handles) gives fn(*inputs), or fails where
    fn raises, with PyTorch's message."""
    handles = [tcl.interp.put(t) if isinstance(t, torch.Tensor) else t for t in inputs]
    expected, error = _torch(fn, *inputs)
    script = script.format(*handles)
    if error is not None:
        e = tcl.error(script)
        assert str(error).splitlines()[0] in e.message
        return
    got = tcl.interp.tensor(tcl(script))
    if close:
        torch.testing.assert_close(got, expected, equal_nan=True)
    else:
        _same(got, expected)


def test_the_family_is_complete():
    family = {n for n, c in REGISTRY.items() if c.family == "elementwise"}
    assert family == set(UNARY) | {"atan2", "pow"}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_matches_torch(tcl, name):
    for x in INPUTS.values():
        check(tcl, f"torch::{name} {{0}}", UNARY[name], x, close=name == "exp10")


@pytest.mark.parametrize("name", sorted(UNARY))
def test_every_name_and_syntax(tcl, name):
    x = INPUTS["float32"]
    h = tcl.interp.put(x)
    expected = UNARY[name](x)
    scripts = [f"torch::{name} {h}", f"torch::{name} -input {h}",
               f"torch::{name} -tensor {h}", f"torch::{camel(name)} -input {h}"]
    scripts += [f"torch::{a} {h}" for a in ALIASES.get(name, [])]
    scripts += [f"torch::{a} -input {h}" for a in ALIASES.get(name, [])]
    for script in scripts:
        torch.testing.assert_close(tcl.interp.tensor(tcl(script)), expected, equal_nan=True)


def test_camel_case_names_of_snake_commands(tcl):
    h = tcl.interp.put(INPUTS["float32"])
    for name, op in [("tensorAbs", torch.abs), ("tensorExp", torch.exp), ("tensorLog", torch.log),
                     ("tensorSqrt", torch.sqrt), ("leakyRelu", F.leaky_relu)]:
        _same(tcl.interp.tensor(tcl(f"torch::{name} {h}")), op(INPUTS["float32"]))
    c = tcl.interp.tensor(tcl(f"torch::tensorClamp -tensor {h} -min 0 -max 1"))
    _same(c, INPUTS["float32"].clamp(0, 1))


@pytest.mark.parametrize("name", sorted(UNARY))
def test_gradients_reach_the_input(tcl, name):
    x = (torch.rand(3, 4, generator=torch.Generator().manual_seed(5)) * 0.8 + 0.1).requires_grad_()
    if name == "acosh":
        x = (x.detach() + 1).requires_grad_()
    y = tcl.interp.tensor(tcl(f"torch::{name} {tcl.interp.put(x)}"))
    assert y.grad_fn is not None
    (y * torch.arange(y.numel()).reshape(y.shape)).sum().backward()
    got, x.grad = x.grad, None
    (UNARY[name](x) * torch.arange(y.numel()).reshape(y.shape)).sum().backward()
    torch.testing.assert_close(got, x.grad)


def test_exp10_values_and_promotion(tcl):
    x = torch.tensor([-2.0, 0.0, 0.5, 3.0])
    got = tcl.interp.tensor(tcl(f"torch::exp10 {tcl.interp.put(x)}"))
    torch.testing.assert_close(got, torch.tensor([0.01, 1.0, math.sqrt(10), 1000.0]))
    for dtype in [torch.int64, torch.int32, torch.uint8, torch.bool, torch.float16,
                  torch.float64, torch.complex64]:
        t = torch.ones(2, dtype=dtype)
        r = tcl.interp.tensor(tcl(f"torch::exp10 {tcl.interp.put(t)}"))
        assert r.dtype == torch.exp2(t).dtype, dtype
        assert r.dtype != torch.complex64 or torch.allclose(r, torch.full((2,), 10 + 0j))
    ints = tcl.interp.tensor(tcl(f"torch::exp10 {tcl.interp.put(torch.tensor([-1, 2]))}"))
    _same(ints, torch.tensor([0.1, 100.0]))


# --- round, tensor_clamp, leaky_relu, celu: a tensor and numbers --------------------------------
KINDS = ["float32", "noncontig", "float64", "int64", "empty"]


@pytest.mark.parametrize("decimals", [0, 1, 2, -1])
def test_round_decimals(tcl, decimals):
    def fn(t):      # decimals 0 is plain rounding (which integer tensors take too)
        return torch.round(t) if decimals == 0 else torch.round(t, decimals=decimals)
    for kind in KINDS:
        x = INPUTS[kind] * 37.3 if INPUTS[kind].is_floating_point() else INPUTS[kind]
        check(tcl, f"torch::round {{0}} {decimals}", fn, x)
        check(tcl, f"torch::Round -input {{0}} -decimals {decimals}", fn, x)


def test_round_halves_to_even(tcl):
    h = tcl.interp.put(torch.tensor([0.5, 1.5, 2.5, -0.5]))
    _same(tcl.interp.tensor(tcl(f"torch::round {h}")), torch.tensor([0.0, 2.0, 2.0, -0.0]))


CLAMPS = [
    ("{0} 0.5", dict(min=0.5)),
    ("{0} -0.5 0.5", dict(min=-0.5, max=0.5)),
    ("{0} 2 -2", dict(min=2, max=-2)),           # min above max: all become max, as in torch
    ("-tensor {0} -max 0.25", dict(max=0.25)),
    ("-input {0} -min -1 -max 1", dict(min=-1, max=1)),
    ("-max 3 -tensor {0}", dict(max=3)),
]


@pytest.mark.parametrize("args, bounds", CLAMPS)
def test_clamp_matches_torch(tcl, args, bounds):
    def fn(t):
        return torch.clamp(t, **bounds)
    for kind in KINDS:
        check(tcl, "torch::tensor_clamp " + args, fn, INPUTS[kind])


def test_clamp_dtype_follows_the_bounds(tcl):
    h = tcl.interp.put(torch.tensor([1, 2, 3]))
    assert tcl.interp.tensor(tcl(f"torch::tensor_clamp {h} 2")).dtype == torch.int64
    _same(tcl.interp.tensor(tcl(f"torch::tensor_clamp {h} 2.5")), torch.tensor([2.5, 2.5, 3.0]))


def test_clamp_without_bounds_copies(tcl):
    x = INPUTS["float32"].clone().requires_grad_()
    for script in ["torch::tensor_clamp {0}", "torch::tensor_clamp -tensor {0}"]:
        y = tcl.interp.tensor(tcl(script.format(tcl.interp.put(x))))
        _same(y, x)
        assert y.data_ptr() != x.data_ptr() and y.grad_fn is not None


@pytest.mark.parametrize("slope", [0.0, 0.2, 1.5])
def test_leaky_relu_slopes(tcl, slope):
    def fn(t):
        return F.leaky_relu(t, slope)
    for kind in KINDS:
        check(tcl, f"torch::leaky_relu {{0}} {slope}", fn, INPUTS[kind])
        for option in ["-negativeSlope", "-negative_slope", "-slope"]:
            check(tcl, f"torch::leakyRelu -input {{0}} {option} {slope}", fn, INPUTS[kind])


@pytest.mark.parametrize("alpha", [0.5, 2.0, 0.0])
def test_celu_alpha(tcl, alpha):
    def fn(t):
        return F.celu(t, alpha)
    for kind in KINDS:
        check(tcl, f"torch::celu {{0}} {alpha}", fn, INPUTS[kind])
        check(tcl, f"torch::celu -alpha {alpha} -tensor {{0}}", fn, INPUTS[kind])


# --- atan2 and pow: two operands, broadcasting ---------------------------------------------------
g = torch.Generator().manual_seed(3)
PAIRS = {
    "same": (torch.randn(3, 4, generator=g), torch.randn(3, 4, generator=g)),
    "broadcast": (torch.randn(3, 1, generator=g), torch.randn(1, 4, generator=g)),
    "rank": (torch.randn(2, 3, 4, generator=g), torch.randn(4, generator=g)),
    "noncontig": (torch.randn(4, 3, generator=g).t(), torch.randn(3, 4, generator=g)),
    "empty": (torch.empty(0, 1), torch.randn(1, 3, generator=g)),
    "float64": (torch.randn(3, generator=g, dtype=torch.float64), torch.randn(3, generator=g)),
    "int64": (torch.randint(0, 5, (3,), generator=g), torch.randint(0, 3, (2, 1), generator=g)),
    "mixed": (torch.randint(-3, 4, (2, 3), generator=g), torch.rand(3, generator=g) * 2),
    "zero_d": (torch.tensor(2.0, dtype=torch.float64), torch.randn(2, 2, generator=g)),
}


@pytest.mark.parametrize("script", ["torch::atan2 {0} {1}", "torch::atan2 -y {0} -x {1}",
                                    "torch::atan2 -x {1} -y {0}",
                                    "torch::atan2 -input1 {0} -input2 {1}"])
def test_atan2_matches_torch(tcl, script):
    for y, x in PAIRS.values():
        check(tcl, script, torch.atan2, y, x)


@pytest.mark.parametrize("script", ["torch::pow {0} {1}", "torch::pow -base {0} -exponent {1}",
                                    "torch::pow -input2 {1} -input1 {0}"])
def test_pow_tensors_match_torch(tcl, script):
    for base, exponent in PAIRS.values():
        base = base.abs() if base.is_floating_point() else base
        check(tcl, script, torch.pow, base, exponent)


@pytest.mark.parametrize("base, exponent", [
    ("float32", 2), ("float32", 0.5), ("float32", -1), ("int64", 2), ("int64", 0.5),
    ("int64", -1), ("bool", 3), ("noncontig", 3), ("empty", 2.0),
    (2, "float32"), (2, "int64"), (2.5, "int64"), (-1, "float64"), (10, "empty"),
])
def test_pow_with_a_number(tcl, base, exponent):
    b = INPUTS[base] if isinstance(base, str) else base
    e = INPUTS[exponent] if isinstance(exponent, str) else exponent
    check(tcl, "torch::pow {0} {1}", torch.pow, b, e)
    check(tcl, "torch::pow -exponent {1} -base {0}", torch.pow, b, e)


def test_binary_gradients(tcl):
    y = torch.rand(3, 1, requires_grad=True)
    x = torch.rand(1, 4, requires_grad=True)
    for cmd, op in [("atan2", torch.atan2), ("pow", torch.pow)]:
        r = tcl.interp.tensor(tcl(f"torch::{cmd} {tcl.interp.put(y)} {tcl.interp.put(x)}"))
        r.sum().backward()
        got = (y.grad, x.grad)
        y.grad = x.grad = None
        op(y, x).sum().backward()
        torch.testing.assert_close(got, (y.grad, x.grad))
        y.grad = x.grad = None


# --- the pages' error texts ----------------------------------------------------------------------
ERRORS = [
    ("torch::acosh", "Usage: torch::acosh tensor | torch::acosh -input tensor"),
    ("torch::acosh -input", "Missing value for parameter"),
    ("torch::acosh nonexistent_tensor", "Invalid tensor name"),
    ("torch::acosh -invalid $t",
     "Unknown parameter: -invalid. Valid parameters are: -input, -tensor"),
    ("torch::acosh $t extra_arg", "Usage: torch::acosh tensor"),
    ("torch::atan invalid_tensor", "Invalid tensor name"),
    ("torch::atan -input", "Missing value for parameter"),
    ("torch::atan -unknown_param $t", "Unknown parameter: -unknown_param"),
    ("torch::atanh", "Usage: torch::atanh tensor (positional) or -input required (named)"),
    ("torch::atanh -wrong_param $t", "Unknown parameter: -wrong_param"),
    ("torch::deg2rad", "Usage: torch::deg2rad tensor | torch::deg2rad -input tensor"),
    ("torch::deg2rad -invalid $t", "Unknown parameter: -invalid"),
    ("torch::deg2rad -input", "Missing value for parameter"),
    ("torch::exp10", "Required parameter -input missing"),
    ("torch::exp10 invalid_tensor", "Invalid tensor name"),
    ("torch::exp10 -unknown value", "Unknown parameter: -unknown"),
    ("torch::exp2", "Usage: torch::exp2 tensor"),
    ("torch::exp2 -input", "Missing value for parameter"),
    ("torch::expm1", "Usage: torch::expm1 tensor OR torch::expm1 -input tensor"),
    ("torch::expm1 -input", "Named parameter requires a value"),
    ("torch::floor", "Usage: torch::floor tensor | torch::floor -input tensor"),
    ("torch::floor -input", "Named parameter requires a value"),
    ("torch::floor -unknown param", "Unknown parameter: -unknown"),
    ("torch::floor $t extra_arg",
     "Wrong number of positional arguments. Expected: torch::floor tensor"),
    ("torch::frac", "Usage: torch::frac input_tensor\n   or: torch::frac -input TENSOR"),
    ("torch::frac $t extra_arg", "Usage: torch::frac input_tensor"),
    ("torch::frac -input", "Missing value for parameter"),
    ("torch::frac [torch::tensor_create {1 2 3} int32]", "\"frac_cpu\" not implemented for 'Int'"),
    ("torch::log2", "Usage: torch::log2 tensor\n   or: torch::log2 -input TENSOR"),
    ("torch::log2 -unknown_param $t", "Unknown parameter: -unknown_param"),
    ("torch::sinh", "Usage: torch::sinh tensor | torch::sinh -input tensor"),
    ("torch::sinh -invalid_param $t",
     "Unknown parameter: -invalid_param. Valid parameters are: -input, -tensor"),
    ("torch::sinh -input", "Missing value for parameter"),
    ("torch::sinh $t extra_argument", "Usage: torch::sinh tensor"),
    ("torch::square", "Usage: torch::square tensor | torch::square -input tensor"),
    ("torch::square $t extra_arg",
     "Wrong number of positional arguments. Expected: torch::square tensor"),
    ("torch::tan", "Usage: torch::tan tensor | torch::tan -input tensor"),
    ("torch::tan -param $t", "Unknown parameter: -param. Valid parameters are: -input, -tensor"),
    ("torch::tan -input", "Missing value for parameter"),
    ("torch::tensor_exp", "Required parameter missing: input"),
    ("torch::tensor_log -input $t -unknown_param value", "Unknown parameter: -unknown_param"),
    ("torch::tensor_sqrt -input", "Missing value for parameter"),
    ("torch::tensor_clamp",
     "Usage: torch::tensor_clamp tensor ?min? ?max? | "
     "torch::tensor_clamp -tensor tensor ?-min value? ?-max value?"),
    ("torch::tensor_clamp nope 1", "Tensor not found"),
    ("torch::tensor_clamp $t -param 1",
     "Unknown parameter: -param. Valid parameters are: -tensor, -min, -max"),
    ("torch::tensor_clamp $t -min", "Missing value for parameter"),
    ("torch::tensor_clamp $t low", "Invalid min value"),
    ("torch::tensor_clamp -tensor $t -max high", "Invalid max value"),
    ("torch::leaky_relu invalid_tensor", "Invalid tensor name"),
    ("torch::leaky_relu -input $t -negativeSlope -0.1", "negative_slope must be >= 0"),
    ("torch::leaky_relu $t invalid_slope", "Invalid negative_slope"),
    ("torch::leaky_relu -invalid_param $t", "Unknown parameter: -invalid_param"),
    ("torch::pow", "Usage: torch::pow base exponent | torch::pow -base base -exponent exponent"),
    ("torch::pow -base", "Missing value for parameter"),
    ("torch::pow -base $t -exponent $t -invalid param",
     "Unknown parameter: -invalid. Valid parameters are: -base, -exponent"),
    ("torch::pow nonexistent_tensor $t", "Invalid base tensor name"),
    ("torch::pow $t nonexistent_tensor", "Invalid exponent tensor name"),
    ("torch::pow 2 3", "Invalid base tensor name: base or exponent must be a tensor"),
    ("torch::atan2 $t", "Required parameter missing: x"),
    ("torch::atan2 -y $t -x nope", "Invalid tensor name"),
    ("torch::atan2 $t [torch::ones {2}]",
     "The size of tensor a (3) must match the size of tensor b (2)"),
    ("torch::round $t 1.5", 'expected integer but got "1.5"'),
]


BARE = "Missing value for parameter"


@pytest.mark.parametrize("script, message", ERRORS)
def test_page_error_texts(tcl, script, message):
    tcl("set t [torch::tensor_create {0.5 1.5 2.5}]")
    e = tcl.error(script)
    if message == BARE:
        # The pages show it bare; it names the option unless core/registry.py's
        # BARE_NO_VALUE_COMMANDS lists the command.
        assert e.message in (BARE, f"{BARE} {script.split()[-1]}"), e.message
        return
    assert e.message.startswith(message), e.message
    assert e.message == message or message.endswith(("'Int'", "(2)")), e.message


def test_missing_text_names_the_invoked_spelling(tcl):
    assert tcl.error("torch::Floor").message == \
        "Usage: torch::Floor tensor | torch::Floor -input tensor"
    assert tcl.error("torch::Square").message.startswith("Usage: torch::Square tensor")
