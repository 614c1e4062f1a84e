"""The reductions family (commands/reductions.py) against PyTorch: scans, reductions along a
dimension, whole-tensor statistics, unique and normalize, in both syntaxes and by camelCase name,
on seeded random inputs including negative dims, keepdim, empty, non-contiguous and int tensors."""

import pytest
import torch
import torch.nn.functional as F
from conftest import Session

from torchtcl_kernel.core.registry import REGISTRY

OURS = ["cummax", "cummin", "cumprod", "cumsum", "diff", "gradient", "kthvalue", "mean_dim",
        "median_dim", "std_dim", "var_dim", "tensor_max", "tensor_min", "tensor_median",
        "tensor_mode", "tensor_quantile", "tensor_std", "tensor_var", "tensor_unique",
        "tensor_normalize", "tensor_argmax", "tensor_argmin"]


def _inputs():
    g = torch.Generator().manual_seed(17)
    return {
        "x": torch.randn(3, 4, generator=g),
        "t": torch.randn(5, 3, generator=g).t(),                # non-contiguous, 3 x 5
        "c": torch.randn(2, 3, 5, generator=g, dtype=torch.float64),
        "i": torch.randint(-3, 4, (4, 6), generator=g, dtype=torch.int32),
        "e": torch.empty(0, 3),
        "v": torch.randn(7, generator=g),
    }


@pytest.fixture(scope="module")
def env():
    """One interpreter for the module (the commands leave the inputs as they were)."""
    tcl = Session()
    data = _inputs()
    assert not data["t"].is_contiguous()
    for name, value in data.items():
        tcl(f"set {name} {tcl.interp.put(value)}")
    return tcl, data


def _same(got, want, script=""):
    assert got.dtype == want.dtype, script
    assert got.shape == want.shape, script
    if want.is_floating_point():
        torch.testing.assert_close(got, want, equal_nan=True, msg=script)
    else:
        assert torch.equal(got, want), script


def values(pair):
    return pair[0]


def whole_normalize(x, p=2.0, eps=1e-8):
    return F.normalize(x.reshape(-1), p, 0, eps).reshape(x.shape)


CASES = [
    # cumulative ops
    ("torch::cumsum $x 1", lambda d: torch.cumsum(d["x"], 1)),
    ("torch::cumSum -input $t -dim -1", lambda d: torch.cumsum(d["t"], -1)),
    ("torch::cumsum -tensor $c", lambda d: torch.cumsum(d["c"], 0)),
    ("torch::cumsum $i 0", lambda d: torch.cumsum(d["i"], 0)),              # int32 -> int64
    ("torch::cumsum -input $i -dim 1 -dtype int32",
     lambda d: torch.cumsum(d["i"], 1, dtype=torch.int32)),
    ("torch::cumsum $e 0", lambda d: torch.cumsum(d["e"], 0)),
    ("torch::cumprod $c 2", lambda d: torch.cumprod(d["c"], 2)),
    ("torch::cumProd -input $i -dim -2", lambda d: torch.cumprod(d["i"], -2)),
    ("torch::cumprod $t 0", lambda d: torch.cumprod(d["t"], 0)),
    ("torch::cummax $x 1", lambda d: torch.cummax(d["x"], 1).values),
    ("torch::cumMax -input $t -dim -1", lambda d: torch.cummax(d["t"], -1).values),
    ("torch::cummax $i 0", lambda d: torch.cummax(d["i"], 0).values),
    ("torch::cummax $e 1", lambda d: torch.cummax(d["e"], 1).values),
    ("torch::cummin $c -1", lambda d: torch.cummin(d["c"], -1).values),
    ("torch::cumMin -input $i -dim 1", lambda d: torch.cummin(d["i"], 1).values),
    # differences
    ("torch::diff $x", lambda d: torch.diff(d["x"])),
    ("torch::diff $x 2 0", lambda d: torch.diff(d["x"], 2, 0)),
    ("torch::diff -input $t -n 1 -dim -2", lambda d: torch.diff(d["t"], 1, -2)),
    ("torch::diff $i", lambda d: torch.diff(d["i"])),                       # stays int32
    ("torch::diff -input $v -prepend $v -append $v",
     lambda d: torch.diff(d["v"], prepend=d["v"], append=d["v"])),
    ("torch::diff $e 1 1", lambda d: torch.diff(d["e"], 1, 1)),
    # k-th value and the *_dim reductions
    ("torch::kthvalue $x 2 1", lambda d: torch.kthvalue(d["x"], 2, 1).values),
    ("torch::kthValue -input $t -k 3 -dim -1 -keepdim true",
     lambda d: torch.kthvalue(d["t"], 3, -1, keepdim=True).values),
    ("torch::kthvalue $i 1 0 1", lambda d: torch.kthvalue(d["i"], 1, 0, True).values),
    ("torch::mean_dim $x 1", lambda d: torch.mean(d["x"], 1)),
    ("torch::meanDim -input $t -dim -1 -keepdim 1", lambda d: d["t"].mean(-1, keepdim=True)),
    ("torch::mean_dim $c 1 true", lambda d: d["c"].mean(1, keepdim=True)),
    ("torch::mean_dim $e 0", lambda d: d["e"].mean(0)),                     # nan, as PyTorch
    ("torch::median_dim $x 0", lambda d: torch.median(d["x"], 0).values),
    ("torch::medianDim -input $i -dim -1 -keepdim 1",
     lambda d: torch.median(d["i"], -1, keepdim=True).values),
    ("torch::median_dim $t 1", lambda d: torch.median(d["t"], 1).values),
    ("torch::std_dim $x 1", lambda d: torch.std(d["x"], 1)),
    ("torch::stdDim -input $t -dim 0 -unbiased 0 -keepdim 1",
     lambda d: torch.std(d["t"], 0, unbiased=False, keepdim=True)),
    ("torch::std_dim $c -1 false true", lambda d: torch.std(d["c"], -1, False, True)),
    ("torch::var_dim $x 0", lambda d: torch.var(d["x"], 0)),
    ("torch::varDim -tensor $t -dim -1 -unbiased false",
     lambda d: torch.var(d["t"], -1, unbiased=False)),
    ("torch::var_dim $c 1 1 1", lambda d: torch.var(d["c"], 1, True, True)),
    # over everything or along one dimension
    ("torch::tensor_max $x", lambda d: d["x"].max()),
    ("torch::tensor_max $x 1", lambda d: values(torch.max(d["x"], 1))),
    ("torch::tensorMax -input $t -dim -1 -keepdim 1",
     lambda d: values(torch.max(d["t"], -1, keepdim=True))),
    ("torch::tensor_max $i 0", lambda d: values(torch.max(d["i"], 0))),
    ("torch::tensor_max $e 1", lambda d: values(torch.max(d["e"], 1))),
    ("torch::tensor_min $x", lambda d: d["x"].min()),
    ("torch::tensorMin -tensor $c -dimension -2", lambda d: values(torch.min(d["c"], -2))),
    ("torch::tensor_min $i 1 -keepdim true",
     lambda d: values(torch.min(d["i"], 1, keepdim=True))),
    ("torch::tensor_median $x", lambda d: d["x"].median()),
    ("torch::tensor_median $i 1", lambda d: values(torch.median(d["i"], 1))),
    ("torch::tensorMedian -tensor $t -dimension 0 -keepdim 1",
     lambda d: values(torch.median(d["t"], 0, keepdim=True))),
    ("torch::tensor_mode $i", lambda d: values(torch.mode(d["i"].reshape(-1)))),
    ("torch::tensor_mode $i 1", lambda d: values(torch.mode(d["i"], 1))),
    ("torch::tensorMode -input $i -dim -2 -keepdim 1",
     lambda d: values(torch.mode(d["i"], -2, keepdim=True))),
    ("torch::tensor_argmax $x", lambda d: torch.argmax(d["x"])),
    ("torch::tensor_argmax $x 1", lambda d: torch.argmax(d["x"], 1)),
    ("torch::tensorArgmax -input $t -dim -1 -keepdim 1",
     lambda d: torch.argmax(d["t"], -1, keepdim=True)),
    ("torch::tensor_argmax -input $x -keepdim 1", lambda d: torch.argmax(d["x"], keepdim=True)),
    ("torch::tensor_argmin $i", lambda d: torch.argmin(d["i"])),
    ("torch::tensorArgmin -tensor $c -dim 2", lambda d: torch.argmin(d["c"], 2)),
    ("torch::tensor_argmin $e 1", lambda d: torch.argmin(d["e"], 1)),
    # quantiles
    ("torch::tensor_quantile $x 0.3", lambda d: torch.quantile(d["x"], 0.3)),
    ("torch::tensor_quantile $x 0.5 1", lambda d: torch.quantile(d["x"], 0.5, 1)),
    ("torch::tensorQuantile -tensor $t -quantile 0.25 -dimension -1 -keepdim 1",
     lambda d: torch.quantile(d["t"], 0.25, -1, keepdim=True)),
    ("torch::tensor_quantile $c {0.1 0.9} 2",
     lambda d: torch.quantile(d["c"], torch.tensor([0.1, 0.9], dtype=torch.float64), 2)),
    ("torch::tensor_quantile -input $v -q 0.4 -interpolation nearest",
     lambda d: torch.quantile(d["v"], 0.4, interpolation="nearest")),
    ("torch::tensor_quantile $x 1 0 true", lambda d: torch.quantile(d["x"], 1.0, 0, True)),
    # standard deviation and variance
    ("torch::tensor_std $x", lambda d: d["x"].std()),
    ("torch::tensor_std $x 0", lambda d: d["x"].std(0)),
    ("torch::tensor_std $x 1 0", lambda d: d["x"].std(1, unbiased=False)),
    ("torch::tensorStd -input $c -dim {0 2} -unbiased false -keepdim true",
     lambda d: d["c"].std((0, 2), unbiased=False, keepdim=True)),
    ("torch::tensor_std $t -1 1 1", lambda d: d["t"].std(-1, keepdim=True)),
    ("torch::tensor_var $x", lambda d: d["x"].var()),
    ("torch::tensor_var $x -dim 0", lambda d: d["x"].var(0)),
    ("torch::tensorVar -input $t -unbiased false", lambda d: d["t"].var(unbiased=False)),
    ("torch::tensor_var $c {1 2} true false", lambda d: d["c"].var((1, 2))),
    ("torch::tensor_var -input $x -keepdim 1", lambda d: d["x"].var(keepdim=True)),
    # unique and normalize
    ("torch::tensor_unique $i", lambda d: torch.unique(d["i"])),
    ("torch::tensor_unique $i 0", lambda d: torch.unique(d["i"], sorted=False)),
    ("torch::tensorUnique -input $i -dim 0", lambda d: torch.unique(d["i"], dim=0)),
    ("torch::tensor_unique $e", lambda d: torch.unique(d["e"])),
    ("torch::tensor_normalize $x", lambda d: whole_normalize(d["x"])),
    ("torch::tensor_normalize $x 1 1", lambda d: F.normalize(d["x"], 1.0, 1, 1e-8)),
    ("torch::tensorNormalize -tensor $t -p 3 -dim -1 -eps 0.1",
     lambda d: F.normalize(d["t"], 3.0, -1, 0.1)),
    ("torch::tensor_normalize -input $c -dim 0", lambda d: F.normalize(d["c"], 2.0, 0, 1e-8)),
    ("torch::tensor_normalize $e 2 1", lambda d: F.normalize(d["e"], 2.0, 1, 1e-8)),
]


@pytest.mark.parametrize("script, want", CASES, ids=[c[0] for c in CASES])
def test_matches_pytorch(env, script, want):
    tcl, data = env
    _same(tcl.interp.tensor(tcl(script)), want(data), script)


def test_every_command_is_covered_in_both_syntaxes_and_by_its_camel_name():
    scripts = [s for s, _ in CASES] + [s for s, _ in GRADIENTS]
    for name in OURS:
        cmd = REGISTRY[name]
        assert cmd.family == "reductions"
        used = [s.split() for s in scripts if s.split()[0].removeprefix("torch::") in cmd.names]
        assert any(len(w) > 1 and w[1].startswith("-") for w in used), name       # named
        assert any(len(w) > 1 and w[1].startswith("$") for w in used), name       # positional
        if len(cmd.names) > 1:                                                    # camelCase
            assert any(w[0] != f"torch::{name}" for w in used), name


def test_a_page_command_answers_to_the_page_spellings(env):
    tcl, _ = env
    for alias in ("cumSum", "cumProd", "cumMax", "cumMin", "kthValue", "meanDim", "medianDim",
                  "stdDim", "varDim", "gradientCmd", "tensorMax", "tensorQuantile",
                  "tensorNormalize", "tensorUnique", "tensorArgmax", "tensorArgmin"):
        assert tcl(f"info commands ::torch::{alias}") == f"::torch::{alias}"


GRADIENTS = [
    ("torch::gradient $x", lambda d: torch.gradient(d["x"])),
    ("torch::gradient $v 0.5", lambda d: torch.gradient(d["v"], spacing=0.5)),
    ("torch::gradient $x {} 1", lambda d: torch.gradient(d["x"], dim=1)),
    ("torch::gradient $x {} -1", lambda d: torch.gradient(d["x"], dim=-1)),
    ("torch::gradientCmd -tensor $c -spacing {2 3} -dim {1 2} -edgeOrder 2",
     lambda d: torch.gradient(d["c"], spacing=[2.0, 3.0], dim=[1, 2], edge_order=2)),
    ("torch::gradient $c {1 2 3}", lambda d: torch.gradient(d["c"], spacing=[1.0, 2.0, 3.0])),
    ("torch::gradient -input $t -dimension {0 1}", lambda d: torch.gradient(d["t"], dim=[0, 1])),
    ("torch::gradient $i", lambda d: torch.gradient(d["i"])),
]


@pytest.mark.parametrize("script, want", GRADIENTS, ids=[c[0] for c in GRADIENTS])
def test_gradient_returns_one_handle_per_dimension(env, script, want):
    tcl, data = env
    handles = tcl(f"set r [{script}]; lrange $r 0 end").split()
    expected = want(data)
    assert len(handles) == len(expected) == int(tcl("llength $r"))
    for handle, w in zip(handles, expected, strict=True):
        _same(tcl.interp.tensor(handle), w, script)


def test_one_gradient_is_a_handle_itself(env):
    tcl, data = env
    assert tcl("torch::tensor_shape [torch::gradient $x {} 0]") == "3 4"


@pytest.mark.parametrize("options, keys", [
    ("1 1", ("unique", "inverse")),
    ("-returnCounts 1", ("unique", "counts")),
    ("-sorted 1 -returnInverse 1 -returnCounts 1", ("unique", "inverse", "counts")),
    ("-return_inverse 1 -dim 1", ("unique", "inverse")),
])
def test_unique_with_inverse_or_counts_is_a_dict(env, options, keys):
    tcl, data = env
    result = tcl(f"torch::tensor_unique $i {options}").split()
    assert result[::2] == list(keys)
    dim = 1 if "-dim" in options else None
    want = torch.unique(data["i"], return_inverse="inverse" in keys,
                        return_counts="counts" in keys, dim=dim)
    for handle, w in zip(result[1::2], want, strict=True):
        _same(tcl.interp.tensor(handle), w, options)


DIFFERENTIABLE = [
    "torch::cumsum $w 1", "torch::cumprod $w 0", "torch::cummax $w 1", "torch::cummin $w 0",
    "torch::diff $w", "torch::kthvalue $w 2 1", "torch::mean_dim $w 0", "torch::median_dim $w 1",
    "torch::std_dim $w 0", "torch::var_dim $w 1", "torch::tensor_max $w", "torch::tensor_min $w 1",
    "torch::tensor_median $w", "torch::tensor_mode $w 1", "torch::tensor_quantile $w 0.5",
    "torch::tensor_std $w", "torch::tensor_var $w 0", "torch::tensor_normalize $w 2 1",
    "lindex [torch::gradient $w] 1",
]


@pytest.mark.parametrize("script", DIFFERENTIABLE)
def test_autograd_flows_through(env, script):
    tcl, _ = env
    w = torch.randn(3, 4, generator=torch.Generator().manual_seed(3), requires_grad=True)
    tcl(f"set w {tcl.interp.put(w)}")
    out = tcl.interp.tensor(tcl(script))
    assert out.grad_fn is not None, script
    out.sum().backward()
    assert w.grad is not None and w.grad.shape == w.shape


ERRORS = [
    ("torch::cumsum -dim 0", "Required parameter missing: -input"),
    ("torch::cumprod -input nosuch -dim 0", "Invalid tensor name"),
    ("torch::cumsum -input $x -dim invalid", "Invalid dim value. Expected integer."),
    ("torch::cummin $x invalid_dim", "Invalid dim value. Expected integer."),
    ("torch::cummin $x 0 1",
     "Wrong number of arguments for positional syntax. Expected: torch::cummin tensor dim"),
    ("torch::cumMax $x 0 1",
     "Wrong number of arguments for positional syntax. Expected: torch::cumMax tensor dim"),
    ("torch::cummin -input $x -unknown value", "Unknown parameter: -unknown"),
    ("torch::cummax -dim 0", "Required parameter missing: -input"),
    ("torch::diff", "Required parameter missing: -input"),
    ("torch::diff nosuch", "Invalid tensor name"),
    ("torch::diff -invalid $x", "Unknown parameter: -invalid"),
    ("torch::diff $x invalid_n", "Invalid n value. Expected integer."),
    ("torch::diff $x 1 invalid_dim", "Invalid dim value. Expected integer."),
    ("torch::gradient", "Required parameter missing: input tensor"),
    ("torch::gradient -input nosuch", "Invalid tensor name"),
    ("torch::gradient -input $x -dim invalid", "Invalid dim parameter: must be integer"),
    ("torch::gradient -input $x -unknown_param value", "Unknown parameter: -unknown_param. "
     "Valid parameters are: -input/-tensor, -dim/-dimension, -spacing, -edgeOrder"),
    ("torch::mean_dim", "Usage: torch::mean_dim tensor dim ?keepdim?"),
    ("torch::median_dim $x", "Usage: torch::median_dim tensor dim ?keepdim?"),
    ("torch::mean_dim nosuch 0", "Invalid tensor name"),
    ("torch::mean_dim $x invalid", "Invalid dim value"),
    ("torch::median_dim -input $x -dim 0 -keepdim maybe", "Invalid keepdim value"),
    ("torch::std_dim $x 0 maybe", "Invalid unbiased value"),
    ("torch::tensor_max", "Input tensor is required"),
    ("torch::tensor_max -foo $x", "Unknown parameter: -foo"),
    ("torch::tensor_max nosuch", "Invalid tensor name"),
    ("torch::tensor_max $x 0 extra", "Invalid number of arguments"),
    ("torch::tensor_max $v 10",
     "Dimension out of range (expected to be in range of [-1, 0], but got 10)"),
    ("torch::tensor_min", "Required input parameter missing"),
    ("torch::tensor_median", "Required input parameter missing"),
    ("torch::tensor_mode -unknown $x", "Unknown parameter: -unknown"),
    ("torch::tensor_std", "Required input parameter missing"),
    ("torch::tensor_std $x invalid", "Invalid dimension value"),
    ("torch::tensor_std $x 0 invalid", "Invalid unbiased value"),
    ("torch::tensor_quantile", "Required parameters missing or invalid"),
    ("torch::tensor_quantile $x", "Required parameters missing or invalid"),
    ("torch::tensor_quantile $x -0.1", "Required parameters missing or invalid"),
    ("torch::tensor_quantile $x 1.5", "Required parameters missing or invalid"),
    ("torch::tensor_quantile $x {0.5 2}", "Required parameters missing or invalid"),
    ("torch::tensor_quantile nosuch 0.5", "Invalid tensor name"),
    ("torch::tensor_quantile -input $x -q 0.5 -unknown param", "Unknown parameter: -unknown"),
    ("torch::tensor_unique nosuch", "Tensor not found"),
    ("torch::tensor_unique -tensor $x -foo 1", "Unknown parameter: -foo"),
    ("torch::tensor_normalize nosuch", "Tensor not found"),
    ("torch::tensor_normalize", "Usage: torch::tensor_normalize tensor ?p? ?dim? | "
     "torch::tensor_normalize -tensor tensor ?-p value? ?-dim value?"),
    ("torch::tensor_normalize $x invalid", "Invalid p value"),
    ("torch::tensor_normalize $x 2.0 invalid", "Invalid dim value"),
    ("torch::tensor_normalize -tensor $x -unknown param",
     "Unknown parameter: -unknown. Valid parameters are: -tensor, -p, -dim, -eps"),
    ("torch::tensor_argmax", "Input tensor is required"),
]


@pytest.mark.parametrize("script, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_page_error_texts(env, script, message):
    tcl, _ = env
    assert tcl.error(script).message == message


@pytest.mark.parametrize("script, fragment", [
    ("torch::kthvalue $x 9 1", "out of range"),
    ("torch::tensor_max $e", "Specify the reduction dim"),
    ("torch::mean_dim $i 0", "mean(): could not infer output dtype"),
    ("torch::cumsum $x 2", "Dimension out of range"),
    ("torch::tensor_quantile $i 0.5", "quantile() input tensor must be either float or double"),
])
def test_pytorch_refusals_pass_through(env, script, fragment):
    tcl, _ = env
    assert fragment in tcl.error(script).message
