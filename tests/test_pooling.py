"""The pooling commands against the PyTorch modules and functions they use: values, dtype and
shape on seeded random inputs (batched, unbatched, non-contiguous, float64), each command in its
positional and named syntax and by its camelCase name, layers (module handles run with
layer_forward) and the tensor form, autograd, fractional pooling under the same seed, and the
pages' error texts."""

import pytest
import torch
import torch.nn.functional as F
from conftest import Session, rnd

F64 = torch.float64


@pytest.fixture(scope="module")
def tcl():
    return Session()


def transposed(g, *shape, dtype=torch.float32):
    """A non-contiguous tensor of the given shape (its last two dimensions swapped in memory)."""
    return rnd(g, *shape[:-2], shape[-1], shape[-2], dtype=dtype).transpose(-1, -2)


def _put(tcl, inputs):
    for name, value in inputs.items():
        tcl(f"set {name} {tcl.interp.put(value)}")


def _same(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape
    torch.testing.assert_close(got, want, equal_nan=True)


def positive(g, *shape, dtype=torch.float32):
    """Lp pooling of a fractional power is NaN below 0, in PyTorch as here: positive inputs."""
    return rnd(g, *shape, dtype=dtype).abs() + 0.1


# (id, inputs (a function of a seeded generator), scripts that must all give `expected`,
#  expected (a function of the inputs))
CASES = [
    # --- max pooling: the layer, run with layer_forward, and the layer applied to an input
    ("maxpool1d", lambda g: {"x": transposed(g, 2, 3, 7)},
     ["torch::layer_forward [torch::maxpool1d 2] $x", "torch::maxpool1d $x 2",
      "torch::layer_forward [torch::maxPool1d -kernelSize 2] $x",
      "torch::maxpool1d -input $x -kernel_size 2", "torch::maxPool1d -tensor $x -kernelSize 2"],
     lambda x: F.max_pool1d(x, 2)),
    ("maxpool1d-all", lambda g: {"x": rnd(g, 2, 3, 8, dtype=F64)},
     ["torch::layer_forward [torch::maxpool1d 3 2 1 1] $x", "torch::maxpool1d $x 3 2 1 1",
      "torch::maxpool1d -input $x -kernelSize 3 -stride 2 -padding 1 -ceilMode 1"],
     lambda x: F.max_pool1d(x, 3, 2, 1, ceil_mode=True)),
    ("maxpool1d-unbatched-dilation", lambda g: {"x": rnd(g, 3, 9)},
     ["torch::maxpool1d -input $x -kernelSize 2 -dilation 3",
      "torch::layer_forward [torch::maxpool1d -kernelSize 2 -dilation 3] $x"],
     lambda x: F.max_pool1d(x, 2, dilation=3)),
    ("maxpool2d", lambda g: {"x": transposed(g, 2, 3, 6, 5)},
     ["torch::layer_forward [torch::maxpool2d 2] $x", "torch::maxpool2d $x 2",
      "torch::maxpool2d -input $x -kernelSize 2 -stride 2 -padding 0",
      "torch::layer_forward [torch::maxPool2d -kernel_size 2] $x"],
     lambda x: F.max_pool2d(x, 2)),
    ("maxpool2d-lists", lambda g: {"x": rnd(g, 1, 2, 7, 6)},
     ["torch::layer_forward [torch::maxpool2d {3 2} {2 1} {1 0}] $x",
      "torch::maxpool2d $x {3 2} {2 1} {1 0}",
      "torch::maxPool2d -input $x -kernelSize {3 2} -stride {2 1} -padding {1 0}"],
     lambda x: F.max_pool2d(x, (3, 2), (2, 1), (1, 0))),
    # API.md's slots: kernel stride padding dilation ceil_mode
    ("maxpool2d-dilation-ceil", lambda g: {"x": rnd(g, 3, 9, 8)},
     ["torch::layer_forward [torch::maxpool2d 2 2 1 2 1] $x", "torch::maxpool2d $x 2 2 1 2 1",
      "torch::maxpool2d -tensor $x -kernelSize 2 -padding 1 -dilation 2 -ceilMode true"],
     lambda x: F.max_pool2d(x, 2, 2, 1, 2, ceil_mode=True)),
    ("maxpool3d", lambda g: {"x": transposed(g, 2, 2, 4, 5, 6)},
     ["torch::layer_forward [torch::maxpool3d 2] $x", "torch::maxpool3d $x 2",
      "torch::maxPool3d -input $x -kernelSize 2"],
     lambda x: F.max_pool3d(x, 2)),
    ("maxpool3d-all", lambda g: {"x": rnd(g, 1, 5, 6, 7, dtype=F64)},
     ["torch::layer_forward [torch::maxpool3d 3 2 1 1] $x",
      "torch::layer_forward [torch::maxpool3d -kernelSize 3 -stride 2 -padding 1 -ceilMode 1] $x",
      "torch::maxpool3d $x 3 2 1 1"],
     lambda x: F.max_pool3d(x, 3, 2, 1, ceil_mode=True)),
    # --- average pooling
    ("avgpool1d", lambda g: {"x": transposed(g, 2, 3, 7)},
     ["torch::avgpool1d $x 2", "torch::avgpool1d -input $x -kernel_size 2",
      "torch::avgPool1d -tensor $x -kernelSize 2"],
     lambda x: F.avg_pool1d(x, 2)),
    ("avgpool1d-all", lambda g: {"x": rnd(g, 3, 8, dtype=F64)},
     ["torch::avgpool1d $x 3 2 1 0",
      "torch::avgpool1d -input $x -kernel_size 3 -stride 2 -padding 1 -count_include_pad 0",
      "torch::avgPool1d -input $x -kernelSize 3 -stride 2 -padding 1 -countIncludePad false"],
     lambda x: F.avg_pool1d(x, 3, 2, 1, count_include_pad=False)),
    ("avgpool1d-ceil", lambda g: {"x": rnd(g, 1, 2, 9)},
     ["torch::avgpool1d -input $x -kernelSize 2 -ceilMode 1"],
     lambda x: F.avg_pool1d(x, 2, ceil_mode=True)),
    ("avgpool2d", lambda g: {"x": transposed(g, 2, 3, 6, 5)},
     ["torch::avgpool2d $x 2", "torch::layer_forward [torch::avgpool2d 2] $x",
      "torch::avgpool2d -input $x -kernel_size 2", "torch::avgPool2d -tensor $x -kernelSize 2",
      "torch::layer_forward [torch::avgPool2d -kernelSize 2 -stride 2] $x"],
     lambda x: F.avg_pool2d(x, 2)),
    # the tensor page's slots: input kernel stride padding count_include_pad
    ("avgpool2d-tensor-all", lambda g: {"x": rnd(g, 1, 2, 7, 8, dtype=F64)},
     ["torch::avgpool2d $x {3 2} {2 1} 1 0",
      "torch::avgpool2d -input $x -kernel_size {3 2} -stride {2 1} -padding 1 "
      "-count_include_pad false"],
     lambda x: F.avg_pool2d(x, (3, 2), (2, 1), 1, count_include_pad=False)),
    # API.md's layer slots: kernel stride padding ceil_mode count_include_pad
    ("avgpool2d-layer-all", lambda g: {"x": rnd(g, 2, 7, 7)},
     ["torch::layer_forward [torch::avgpool2d 3 2 1 1 0] $x",
      "torch::layer_forward [torch::avgpool2d -kernelSize 3 -stride 2 -padding 1 -ceilMode 1 "
      "-countIncludePad 0] $x"],
     lambda x: F.avg_pool2d(x, 3, 2, 1, ceil_mode=True, count_include_pad=False)),
    ("avgpool2d-divisor", lambda g: {"x": rnd(g, 1, 1, 4, 4)},
     ["torch::avgpool2d -input $x -kernelSize 2 -divisorOverride 3"],
     lambda x: F.avg_pool2d(x, 2, divisor_override=3)),
    # avgpool3d returns the layer, as its page has it
    ("avgpool3d", lambda g: {"x": transposed(g, 1, 2, 4, 4, 6)},
     ["torch::layer_forward [torch::avgpool3d $x 2] $x",
      "torch::layer_forward [torch::avgPool3d -input $x -kernelSize 2 -stride 2 -padding 0] $x"],
     lambda x: F.avg_pool3d(x, 2)),
    ("avgpool3d-all", lambda g: {"x": rnd(g, 2, 4, 5, 6, dtype=F64)},
     ["torch::layer_forward [torch::avgpool3d $x {3 2 2} 2 1 0] $x",
      "torch::layer_forward [torch::avgpool3d -tensor $x -kernel_size {3 2 2} -stride 2 "
      "-padding 1 -countIncludePad 0] $x"],
     lambda x: F.avg_pool3d(x, (3, 2, 2), 2, 1, count_include_pad=False)),
    # --- adaptive pooling
    ("adaptive_avgpool1d", lambda g: {"x": transposed(g, 2, 3, 7)},
     ["torch::adaptive_avgpool1d $x 3", "torch::adaptive_avgpool1d -input $x -output_size 3",
      "torch::adaptiveAvgpool1d -tensor $x -outputSize 3"],
     lambda x: F.adaptive_avg_pool1d(x, 3)),
    ("adaptive_avgpool1d-unbatched", lambda g: {"x": rnd(g, 3, 10, dtype=F64)},
     ["torch::adaptive_avgpool1d $x 4"], lambda x: F.adaptive_avg_pool1d(x, 4)),
    ("adaptive_avgpool3d", lambda g: {"x": transposed(g, 1, 2, 5, 6, 7)},
     ["torch::adaptive_avgpool3d $x {2 3 4}",
      "torch::adaptive_avgpool3d -input $x -output_size {2 3 4}",
      "torch::adaptiveAvgpool3d -tensor $x -outputSize {2 3 4}"],
     lambda x: F.adaptive_avg_pool3d(x, (2, 3, 4))),
    ("adaptive_avgpool3d-int", lambda g: {"x": rnd(g, 2, 4, 5, 6)},
     ["torch::adaptive_avgpool3d $x 2"], lambda x: F.adaptive_avg_pool3d(x, 2)),
    ("adaptive_maxpool1d", lambda g: {"x": transposed(g, 2, 3, 8)},
     ["torch::adaptive_maxpool1d $x 4", "torch::adaptive_maxpool1d -output_size 4 -input $x",
      "torch::adaptiveMaxpool1d -tensor $x -outputSize 4"],
     lambda x: F.adaptive_max_pool1d(x, 4)),
    ("adaptive_maxpool3d", lambda g: {"x": rnd(g, 1, 2, 4, 5, 6, dtype=F64)},
     ["torch::adaptive_maxpool3d $x {3 2 1}",
      "torch::adaptiveMaxpool3d -input $x -output_size {3 2 1}",
      "torch::adaptive_maxpool3d -tensor $x -outputSize {3 2 1}"],
     lambda x: F.adaptive_max_pool3d(x, (3, 2, 1))),
    ("adaptive_maxpool3d-int", lambda g: {"x": transposed(g, 2, 4, 4, 5)},
     ["torch::adaptive_maxpool3d $x 2"], lambda x: F.adaptive_max_pool3d(x, 2)),
    # --- Lp pooling
    ("lppool1d", lambda g: {"x": transposed(g, 2, 3, 8)},
     ["torch::lppool1d $x 2.0 3", "torch::lppool1d -input $x -normType 2.0 -kernelSize 3",
      "torch::lpPool1d -tensor $x -norm_type 2 -kernel_size 3"],
     lambda x: F.lp_pool1d(x, 2.0, 3)),
    ("lppool1d-all", lambda g: {"x": positive(g, 3, 9, dtype=F64)},
     ["torch::lppool1d $x 1.5 3 2 1",
      "torch::lpPool1d -input $x -normType 1.5 -kernelSize 3 -stride 2 -ceilMode true"],
     lambda x: F.lp_pool1d(x, 1.5, 3, 2, ceil_mode=True)),
    ("lppool2d", lambda g: {"x": transposed(g, 2, 3, 6, 8)},
     ["torch::lppool2d $x 2.0 2", "torch::lppool2d -input $x -normType 2.0 -kernelSize 2",
      "torch::lpPool2d -input $x -normType 2.0 -kernelSize {2 2}"],
     lambda x: F.lp_pool2d(x, 2.0, 2)),
    ("lppool2d-all", lambda g: {"x": positive(g, 1, 2, 10, 12)},
     ["torch::lppool2d $x 3.0 {3 2} {2 3} 1",
      "torch::lpPool2d -input $x -normType 3.0 -kernelSize {3 2} -stride {2 3} -ceilMode 1"],
     lambda x: F.lp_pool2d(x, 3.0, (3, 2), (2, 3), ceil_mode=True)),
    ("lppool3d", lambda g: {"x": transposed(g, 1, 2, 4, 4, 6)},
     ["torch::lppool3d $x 2.0 2", "torch::lppool3d -input $x -normType 2.0 -kernelSize 2",
      "torch::lpPool3d -tensor $x -norm_type 2.0 -kernel_size {2 2 2}"],
     lambda x: F.lp_pool3d(x, 2.0, 2)),
    ("lppool3d-all", lambda g: {"x": rnd(g, 2, 4, 5, 6, dtype=F64)},
     ["torch::lppool3d $x 1.0 {2 2 3} {1 2 2} 1",
      "torch::lppool3d -input $x -normType 1.0 -kernelSize {2 2 3} -stride {1 2 2} -ceilMode 1"],
     lambda x: F.lp_pool3d(x, 1.0, (2, 2, 3), (1, 2, 2), ceil_mode=True)),
]


@pytest.mark.parametrize("case, inputs, scripts, expected", CASES, ids=[c[0] for c in CASES])
def test_pooling_matches_torch(tcl, case, inputs, scripts, expected):
    values = inputs(torch.Generator().manual_seed(len(case)))
    _put(tcl, values)
    want = expected(**values)
    for script in scripts:
        _same(tcl.interp.tensor(tcl(script)), want)


@pytest.mark.parametrize("case, inputs, scripts, expected", CASES, ids=[c[0] for c in CASES])
def test_pooling_is_differentiable(tcl, case, inputs, scripts, expected):
    values = {k: v.detach().requires_grad_() for k, v in
              inputs(torch.Generator().manual_seed(1)).items()}
    _put(tcl, values)
    got = tcl.interp.tensor(tcl(scripts[-1]))
    assert got.grad_fn is not None
    got.sum().backward()
    want_grad = torch.autograd.grad(expected(**values).sum(), list(values.values()))
    torch.testing.assert_close(values["x"].grad, want_grad[0])


def test_layers_are_the_torch_modules(tcl):
    store = tcl.interp.store
    layer = store.get(tcl("torch::maxpool2d 3 2 1"), "module")
    assert isinstance(layer, torch.nn.MaxPool2d)
    assert (layer.kernel_size, layer.stride, layer.padding) == (3, 2, 1)
    layer = store.get(tcl("torch::maxpool1d 4"), "module")
    assert isinstance(layer, torch.nn.MaxPool1d) and layer.stride == 4     # stride = kernel
    layer = store.get(tcl("torch::maxPool3d -kernelSize {1 2 3} -ceilMode 1"), "module")
    assert isinstance(layer, torch.nn.MaxPool3d) and layer.ceil_mode
    assert layer.kernel_size == (1, 2, 3)
    layer = store.get(tcl("torch::avgpool2d 2 1"), "module")
    assert isinstance(layer, torch.nn.AvgPool2d) and (layer.kernel_size, layer.stride) == (2, 1)
    assert layer.count_include_pad
    tcl(f"set v {tcl.interp.put(torch.zeros(1, 1, 4, 4, 4))}")
    layer = store.get(tcl("torch::avgpool3d $v 2 1 0 0"), "module")
    assert isinstance(layer, torch.nn.AvgPool3d) and not layer.count_include_pad


def test_a_pooling_layer_runs_inside_sequential(tcl):
    x = torch.randn(2, 3, 8, 8, generator=torch.Generator().manual_seed(3))
    tcl(f"set x {tcl.interp.put(x)}")
    got = tcl.interp.tensor(tcl(
        "torch::layer_forward [torch::sequential [list [torch::maxpool2d 2] "
        "[torch::avgpool2d 2]]] $x"))
    _same(got, F.avg_pool2d(F.max_pool2d(x, 2), 2))


def test_maxpool_return_indices(tcl):
    x = torch.randn(1, 2, 6, 6, generator=torch.Generator().manual_seed(4))
    tcl(f"set x {tcl.interp.put(x)}")
    want, want_idx = F.max_pool2d(x, 2, return_indices=True)
    for script in ["torch::maxpool2d $x 2 2 0 1 0 1",
                   "torch::maxpool2d -input $x -kernelSize 2 -returnIndices 1"]:
        out, idx = (tcl.interp.tensor(h) for h in tcl(script).split())
        _same(out, want)
        assert torch.equal(idx, want_idx)
    tcl(f"set x {tcl.interp.put(x[0])}")
    assert len(tcl("torch::maxpool1d -input $x -kernelSize 2").split()) == 1


@pytest.mark.parametrize("n, op, shape", [(2, F.fractional_max_pool2d, (2, 3, 9, 8)),
                                          (3, F.fractional_max_pool3d, (1, 2, 8, 9, 8))])
def test_fractional_maxpool_matches_torch_under_the_same_seed(tcl, n, op, shape):
    g = torch.Generator().manual_seed(n)
    x = torch.randn(*shape, generator=g).transpose(-1, -2)        # non-contiguous
    tcl(f"set x {tcl.interp.put(x)}")
    k = " ".join(["2"] * n)
    r = " ".join(["0.6"] * n)
    name = f"fractional_maxpool{n}d"
    scripts = {(0.5,) * n: [f"torch::{name} $x {{{k}}}", f"torch::{name} -input $x -kernel_size 2"],
               (0.6,) * n: [f"torch::{name} $x {{{k}}} {{{r}}}",
                            f"torch::fractionalMaxpool{n}d -input $x -kernelSize {{{k}}} "
                            f"-outputRatio {{{r}}}",
                            f"torch::{name} -tensor $x -kernelSize 2 -output_ratio 0.6"]}
    for ratio, calls in scripts.items():
        torch.manual_seed(11)
        want = op(x, 2, output_ratio=ratio)
        for script in calls:
            tcl("torch::manual_seed 11")
            _same(tcl.interp.tensor(tcl(script)), want)
    # the windows are random: another seed gives other values
    tcl("torch::manual_seed 12")
    torch.manual_seed(11)
    assert not torch.equal(tcl.interp.tensor(tcl(scripts[(0.5,) * n][0])),
                           op(x, 2, output_ratio=(0.5,) * n))
    # unbatched input and autograd
    xu = x[0].detach().clone().requires_grad_()
    tcl(f"set xu {tcl.interp.put(xu)}")
    tcl("torch::manual_seed 5")
    got = tcl.interp.tensor(tcl(f"torch::{name} $xu 2"))
    torch.manual_seed(5)
    _same(got, op(xu, 2, output_ratio=(0.5,) * n))
    assert got.grad_fn is not None


ERRORS = [
    # maxpool2d.md
    ("torch::maxpool2d 0", "kernelSize must be > 0"),
    ("torch::maxpool2d -2", "kernelSize must be > 0"),
    ("torch::maxpool2d -kernelSize {2 0}", "kernelSize must be > 0"),
    ("torch::maxpool2d -kernelSize", "Missing value for parameter"),
    ("torch::maxpool2d -invalidParam 2", "Unknown parameter: -invalidParam"),
    ("torch::maxpool2d 2 1 0 1 0 1 2 3", "Invalid number of arguments"),
    ("torch::maxpool2d", "Usage: torch::maxpool2d kernel_size ?stride? ?padding? ?dilation? "
                         "?ceil_mode? OR torch::maxpool2d input kernel_size ?stride? ?padding? "
                         "?dilation? ?ceil_mode? ?return_indices?"),
    ("torch::maxpool1d 2 0", "stride must be > 0"),
    ("torch::maxpool3d 2 1 -1", "padding must be >= 0"),
    ("torch::maxpool1d -input nosuch -kernelSize 2", "Invalid input tensor name"),
    # avgpool1d.md, avgpool2d_tensor.md
    ("torch::avgpool1d nosuch 2", "Invalid input tensor name"),
    ("torch::avgpool1d -input $x -kernel_size", "Named parameters require pairs: -param value"),
    ("torch::avgpool1d -input $x -bogus 2", "Unknown parameter: -bogus"),
    ("torch::avgpool2d nosuch 2", "Invalid input tensor name"),
    ("torch::avgpool2d -input $x -invalid_param 2", "Unknown parameter: -invalid_param"),
    ("torch::avgpool2d -input $x -kernelSize 2 -divisorOverride 0",
     "divisorOverride must be > 0"),
    # avgpool3d checks its input (here 3-D) before it returns the layer
    ("torch::avgpool3d $x 2", "non-empty 4D or 5D (batch mode) tensor expected"),
    # adaptive_maxpool1d.md, adaptive_maxpool3d.md
    ("torch::adaptive_maxpool1d $x", "Wrong number of arguments: expected 'input output_size'"),
    ("torch::adaptive_maxpool1d -input $x",
     "Required parameters: input tensor and positive output_size"),
    ("torch::adaptive_maxpool1d nosuch 4", "Invalid input tensor name"),
    ("torch::adaptive_maxpool1d $x invalid", "Invalid output_size: must be an integer"),
    ("torch::adaptive_maxpool1d -input $x -output_size 0",
     "Required parameters: input tensor and positive output_size"),
    ("torch::adaptive_maxpool1d -input $x -unknown_param 4", "Unknown parameter: -unknown_param"),
    ("torch::adaptive_maxpool3d -input $x",
     "Required parameters: input tensor and positive output_size"),
    ("torch::adaptive_maxpool3d $x {2 x}", "Output size must be an int or list of 3 ints"),
    ("torch::adaptive_maxpool3d $x {2 2}", "Output size must be an int or list of 3 ints"),
    ("torch::adaptive_avgpool3d $x {2 2 0}",
     "Required parameters: input tensor and positive output_size"),
    ("torch::adaptive_maxpool3d -foo $x", "Unknown parameter: -foo"),
    # lppool pages
    ("torch::lpPool1d -input $x -normType -1.0 -kernelSize 3",
     "Required parameters missing or invalid: normType must be positive"),
    ("torch::lpPool1d -input $x -normType 2.0",
     "Required parameters missing or invalid: kernelSize is required"),
    ("torch::lppool3d $x 0.0 2",
     "Required parameters missing or invalid: normType must be positive"),
    ("torch::lpPool1d -input invalid_tensor -normType 2.0 -kernelSize 3",
     "Invalid input tensor name"),
    ("torch::lpPool2d -input $x -normType 2.0 -kernelSize {3 2 1}", "List must have length 2"),
    ("torch::lppool3d -input $x -unknown value", "Unknown parameter: -unknown"),
    # fractional pages
    ("torch::fractional_maxpool2d -input $x -kernel_size {2 2 2}", "Expected 2 integers"),
    ("torch::fractional_maxpool3d -input $x -kernel_size {2 2}", "Expected 3 integers"),
    ("torch::fractional_maxpool2d -input $x -kernel_size {2 2} -output_ratio {0.0 0.5}",
     "Must be positive"),
    ("torch::fractional_maxpool2d -input $x", "Required parameter missing: kernel_size"),
]


@pytest.mark.parametrize("script, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_pooling_errors(tcl, script, message):
    tcl(f"set x {tcl.interp.put(torch.zeros(2, 3, 8))}")
    assert message in tcl.error(script).message
