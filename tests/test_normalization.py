"""The normalisation commands against the PyTorch calls they make: layers (batch_norm*,
group_norm, layer_norm) compared with the torch.nn module of the same settings on seeded inputs,
functions (instance norms, rms_norm, local response norms, weight and spectral norm of a tensor)
compared with the torch call, each command in its positional and named syntax and by its
camelCase name, autograd, wrapping a layer (weight_norm, spectral_norm) and the pages' error
texts."""

import pytest
import torch
import torch.nn.functional as F
from conftest import rnd
from torch.nn.utils import parametrizations

F64 = torch.float64


def _module(tcl, script):
    return tcl.interp.store.get(tcl(script), "module")


def _forward(tcl, layer_handle, x):
    return tcl.interp.tensor(tcl(f"torch::layer_forward {layer_handle} {tcl.interp.put(x)}"))


# --- layers: the settings a script gives reach the torch.nn module -------------------------------
BN_FIELDS = ("num_features", "eps", "momentum", "affine", "track_running_stats")
LAYERS = [
    # (script, the torch module it must equal, its fields, an input)
    ("torch::batch_norm1d 4", torch.nn.BatchNorm1d(4), BN_FIELDS, (5, 4)),
    ("torch::batch_norm_1d 4 1e-3 0.2 false false",
     torch.nn.BatchNorm1d(4, 1e-3, 0.2, False, False), BN_FIELDS, (5, 4, 3)),
    ("torch::batchNorm1d -numFeatures 4 -eps 1e-4 -momentum 0.05",
     torch.nn.BatchNorm1d(4, 1e-4, 0.05), BN_FIELDS, (3, 4, 6)),
    ("torch::batchnorm1d -num_features 4 -trackRunningStats 0",
     torch.nn.BatchNorm1d(4, track_running_stats=False), BN_FIELDS, (3, 4)),
    ("torch::batchnorm2d 4", torch.nn.BatchNorm2d(4), BN_FIELDS, (2, 4, 3, 3)),
    ("torch::batch_norm2d 4 1e-3 0.2 false false",
     torch.nn.BatchNorm2d(4, 1e-3, 0.2, False, False), BN_FIELDS, (2, 4, 3, 3)),
    ("torch::batchNorm2d -numFeatures 4 -eps 1e-4 -momentum 0.05",
     torch.nn.BatchNorm2d(4, 1e-4, 0.05), BN_FIELDS, (2, 4, 3, 3)),
    ("torch::batchnorm2d -num_features 4 -affine 0 -trackRunningStats 1",
     torch.nn.BatchNorm2d(4, affine=False), BN_FIELDS, (2, 4, 3, 3)),
    ("torch::batch_norm3d 2", torch.nn.BatchNorm3d(2), BN_FIELDS, (2, 2, 3, 2, 2)),
    ("torch::batchNorm3d -numFeatures 2 -affine false -momentum 0.5",
     torch.nn.BatchNorm3d(2, momentum=0.5, affine=False), BN_FIELDS, (2, 2, 3, 2, 2)),
    ("torch::group_norm 2 4", torch.nn.GroupNorm(2, 4), ("num_groups", "num_channels", "eps",
                                                          "affine"), (3, 4, 5)),
    ("torch::group_norm 2 6 1e-3 false", torch.nn.GroupNorm(2, 6, 1e-3, False),
     ("num_groups", "num_channels", "eps", "affine"), (2, 6, 2, 2)),
    ("torch::groupNorm -num_groups 3 -numChannels 6 -eps 1e-4",
     torch.nn.GroupNorm(3, 6, 1e-4), ("num_groups", "num_channels", "eps", "affine"), (2, 6, 3)),
    ("torch::layer_norm 5", torch.nn.LayerNorm(5),
     ("normalized_shape", "eps", "elementwise_affine"), (2, 3, 5)),
    ("torch::layer_norm {3 5} 1e-3 false", torch.nn.LayerNorm([3, 5], 1e-3, False),
     ("normalized_shape", "eps", "elementwise_affine"), (2, 3, 5)),
    ("torch::layerNorm -normalizedShape {5} -eps 1e-6",
     torch.nn.LayerNorm(5, 1e-6), ("normalized_shape", "eps", "elementwise_affine"), (4, 5)),
    ("torch::layer_norm -eps 1e-4 -normalized_shape 5 -elementwiseAffine 1",
     torch.nn.LayerNorm(5, 1e-4), ("normalized_shape", "eps", "elementwise_affine"), (4, 5)),
]


@pytest.mark.parametrize("script, want, fields, shape", LAYERS, ids=[c[0] for c in LAYERS])
def test_layers_match_torch(shared, script, want, fields, shape):
    layer = _module(shared, script)
    assert type(layer) is type(want)
    assert all(getattr(layer, f) == getattr(want, f) for f in fields)
    assert [p.shape for p in layer.parameters()] == [p.shape for p in want.parameters()]
    x = rnd(len(script), *shape)
    handle = shared.interp.store.name_of(layer)
    got = _forward(shared, handle, x)
    torch.testing.assert_close(got, want(x), rtol=0, atol=0)
    if getattr(want, "track_running_stats", False):     # training mode updated both alike
        assert torch.equal(layer.running_mean, want.running_mean)
        assert not torch.equal(layer.running_mean, torch.zeros_like(layer.running_mean))


def test_batch_norm_function(shared):
    """With an input first: torch.nn.functional.batch_norm, its running statistics updated in
    place in training mode, used as they are in evaluation mode."""
    tcl = shared
    for name, shape in [("batch_norm1d", (5, 3)), ("batchnorm2d", (2, 3, 4, 5)),
                        ("batchNorm3d", (2, 3, 2, 2, 2))]:
        x = rnd(1, *shape).requires_grad_()
        w, b = torch.rand(3), torch.randn(3)
        rm, rv = torch.zeros(3), torch.ones(3)
        names = " ".join(tcl.interp.put(t) for t in (x, w, b, rm, rv))
        rm2, rv2 = torch.zeros(3), torch.ones(3)
        got = tcl.interp.tensor(tcl(f"torch::{name} {names} true 0.3 1e-3"))
        torch.testing.assert_close(got, F.batch_norm(x, rm2, rv2, w, b, True, 0.3, 1e-3))
        assert torch.equal(rm, rm2) and torch.equal(rv, rv2)
        assert not torch.equal(rm, torch.zeros(3))
        assert got.grad_fn is not None
        got = tcl.interp.tensor(tcl(f"torch::{name} {names} false"))
        torch.testing.assert_close(got, F.batch_norm(x, rm, rv, w, b, False))
    xt = rnd(2, 2, 3, 5, 4).transpose(2, 3)          # non-contiguous
    got = tcl.interp.tensor(tcl(f"torch::batchNorm2d -input {tcl.interp.put(xt)} -eps 0.01"))
    torch.testing.assert_close(got, F.batch_norm(xt, None, None, eps=0.01, training=True))


def test_layer_modes(shared):
    """A batch norm layer follows model_train / model_eval: running statistics in eval."""
    tcl = shared
    layer = _module(tcl, "set bn [torch::batch_norm1d 3]")
    want = torch.nn.BatchNorm1d(3)
    x = rnd(3, 6, 3) * 4 + 1
    _forward(tcl, "$bn", x)
    want(x)
    tcl("torch::model_eval $bn")
    want.eval()
    assert not layer.training
    torch.testing.assert_close(_forward(tcl, "$bn", x), want(x), rtol=0, atol=0)
    assert torch.equal(layer.running_mean, want.running_mean)


# --- functions of a tensor ----------------------------------------------------------------------
SPATIAL = {torch.nn.InstanceNorm1d: 1, torch.nn.InstanceNorm2d: 2, torch.nn.InstanceNorm3d: 3}


def inorm(cls, **kw):
    """The instance norm module of this many channels applied to x."""
    def run(x):
        return cls(x.shape[-SPATIAL[cls] - 1], dtype=x.dtype, **kw)(x)
    return run


FUNCTIONS = [
    # (id, input, scripts that must all give expected, expected, differentiable)
    ("instance_norm1d", rnd(1, 2, 3, 6),
     ["torch::instance_norm1d $x", "torch::instance_norm1d -input $x",
      "torch::instanceNorm1d -tensor $x -epsilon 1e-5 -momentum 0.1"],
     inorm(torch.nn.InstanceNorm1d), True),
    ("instance_norm1d-options", rnd(2, 2, 3, 6, dtype=F64),
     ["torch::instance_norm1d $x 1e-3 0.2 1 1",
      "torch::instance_norm1d -input $x -eps 1e-3 -momentum 0.2 -affine true "
      "-track_running_stats true",
      "torch::instanceNorm1d -input $x -eps 1e-3 -momentum 0.2 -affine 1 -trackRunningStats 1"],
     inorm(torch.nn.InstanceNorm1d, eps=1e-3, momentum=0.2, affine=True,
           track_running_stats=True), True),
    ("instance_norm1d-unbatched", rnd(3, 3, 7), ["torch::instance_norm1d $x"],
     inorm(torch.nn.InstanceNorm1d), True),
    ("instance_norm2d", rnd(4, 2, 3, 4, 5).transpose(2, 3),
     ["torch::instance_norm2d $x", "torch::instance_norm2d -input $x -affine 0",
      "torch::instanceNorm2d -tensor $x"], inorm(torch.nn.InstanceNorm2d), True),
    ("instance_norm3d", rnd(5, 2, 2, 3, 4, 2),
     ["torch::instance_norm3d $x 1e-4", "torch::instance_norm3d -input $x -eps 1e-4",
      "torch::instanceNorm3d -epsilon 1e-4 -input $x"],
     inorm(torch.nn.InstanceNorm3d, eps=1e-4), True),
    ("rms_norm", rnd(6, 2, 3, 4),
     ["torch::rms_norm $x {3 4}", "torch::rms_norm -input $x -normalizedShape {3 4}",
      "torch::rmsNorm -tensor $x -normalized_shape {3 4} -eps 1e-5"],
     lambda x: F.rms_norm(x, [3, 4], eps=1e-5), True),
    ("rms_norm-eps", rnd(7, 5, 4, dtype=F64).mT,
     ["torch::rms_norm $x 5 0.1", "torch::rmsNorm -input $x -normalizedShape 5 -eps 0.1"],
     lambda x: F.rms_norm(x, [5], eps=0.1), True),
    ("local_response_norm", rnd(8, 2, 6, 3, 3),
     ["torch::local_response_norm $x 3 1e-2 0.5 2.0",
      "torch::local_response_norm -input $x -size 3 -alpha 1e-2 -beta 0.5 -k 2.0",
      "torch::localResponseNorm -tensor $x -k 2 -size 3 -beta 0.5 -alpha 0.01"],
     lambda x: F.local_response_norm(x, 3, 1e-2, 0.5, 2.0), True),
    ("local_response_norm-defaults", rnd(9, 2, 5, 7),
     ["torch::local_response_norm -input $x -size 2",
      "torch::local_response_norm $x 2 1e-4 0.75 1.0"],
     lambda x: F.local_response_norm(x, 2), True),
    ("cross_map_lrn2d", rnd(10, 2, 6, 3, 3),
     ["torch::cross_map_lrn2d $x 3 1e-2 0.5 2.0",
      "torch::cross_map_lrn2d -input $x -size 3 -alpha 1e-2 -beta 0.5 -k 2.0",
      "torch::crossMapLrn2d -input $x -size 3 -alpha 0.01 -beta 0.5 -k 2"],
     lambda x: torch.nn.CrossMapLRN2d(3, 1e-2, 0.5, 2.0)(x), True),
    ("cross_map_lrn2d-defaults", rnd(11, 1, 7, 2, 3),
     ["torch::cross_map_lrn2d -input $x", "torch::crossMapLrn2d $x 5 1e-4 0.75 1.0"],
     lambda x: torch.nn.CrossMapLRN2d(5)(x), True),
    ("weight_norm", rnd(12, 3, 4),
     ["torch::weight_norm $x", "torch::weight_norm -input $x -dim 0",
      "torch::weightNorm -tensor $x"],
     lambda x: torch._weight_norm(x, torch.ones(3, 1), 0), True),
    ("weight_norm-dim", rnd(13, 2, 3, 4, dtype=F64),
     ["torch::weight_norm $x 1", "torch::weight_norm -tensor $x -dim 1",
      "torch::weightNorm $x -2"],
     lambda x: x / x.norm(dim=(0, 2), keepdim=True), True),
    ("weight_norm-whole", rnd(14, 2, 3).mT, ["torch::weight_norm $x -1"],
     lambda x: x / x.norm(), True),
]


@pytest.mark.parametrize("case", FUNCTIONS, ids=[c[0] for c in FUNCTIONS])
def test_functions_match_torch(shared, case):
    _, x, scripts, expected, differentiable = case
    want = expected(x)
    shared(f"set x {shared.interp.put(x)}")
    for script in scripts:
        got = shared.interp.tensor(shared(script))
        assert got.dtype == want.dtype and got.shape == want.shape, script
        torch.testing.assert_close(got, want, msg=script)
    if differentiable:
        xg = x.detach().clone().requires_grad_()
        shared(f"set x {shared.interp.put(xg)}")
        got = shared.interp.tensor(shared(scripts[0]))
        assert got.grad_fn is not None
        got.sum().backward()
        assert xg.grad is not None


def test_instance_norm_statistics(shared):
    """Each channel of each sample comes out with mean 0 and variance 1."""
    x = rnd(20, 3, 2, 50) * 5 + 3
    got = shared.interp.tensor(shared(f"torch::instance_norm1d {shared.interp.put(x)}"))
    torch.testing.assert_close(got.mean(-1), torch.zeros(3, 2), atol=1e-5, rtol=0)
    torch.testing.assert_close(got.var(-1, unbiased=False), torch.ones(3, 2), atol=1e-3, rtol=0)


def test_empty_batch(shared):
    x = torch.zeros(0, 4, 5)
    got = shared.interp.tensor(shared(f"torch::rms_norm {shared.interp.put(x)} 5"))
    assert got.shape == (0, 4, 5)


def test_spectral_norm_of_a_tensor(shared):
    """Under the same seed, the tensor as PyTorch's spectral-norm parametrization makes it; its
    largest singular value is then about 1."""
    w = rnd(30, 4, 6)
    for script, n in [("torch::spectral_norm $w", 1), ("torch::spectral_norm $w 5", 5),
                      ("torch::spectralNorm -input $w -nPowerIterations 5", 5),
                      ("torch::spectral_norm -tensor $w -n_power_iterations 2", 2)]:
        shared(f"set w {shared.interp.put(w)}; torch::manual_seed 7")
        got = shared.interp.tensor(shared(script))
        torch.manual_seed(7)
        want = parametrizations._SpectralNorm(w, n)(w)
        torch.testing.assert_close(got, want, msg=script)
    assert abs(torch.linalg.matrix_norm(got, 2).item() - 1) < 1e-3
    wg = rnd(31, 3, 2, 2, dtype=F64).requires_grad_()
    got = shared.interp.tensor(shared(f"torch::spectral_norm {shared.interp.put(wg)} 20"))
    assert got.dtype == F64 and got.shape == (3, 2, 2) and got.grad_fn is not None
    assert abs(torch.linalg.matrix_norm(got.detach().reshape(3, 4), 2).item() - 1) < 1e-6


@pytest.mark.parametrize("command, wrapper, kwargs", [
    ("weight_norm", parametrizations.weight_norm, {"dim": 0}),
    ("weightNorm -dim 1 -input", parametrizations.weight_norm, {"dim": 1}),
    ("spectral_norm", parametrizations.spectral_norm, {"n_power_iterations": 1}),
    ("spectralNorm -nPowerIterations 3 -input", parametrizations.spectral_norm,
     {"n_power_iterations": 3}),
])
def test_wrapping_a_layer(shared, command, wrapper, kwargs):
    """Given a layer, its weight is reparametrised in place (the layer's own handle comes
    back), and it computes what the same wrapper applied in PyTorch computes."""
    tcl = shared
    tcl("torch::manual_seed 3; set lin [torch::linear 4 3]")
    torch.manual_seed(3)
    want = torch.nn.Linear(4, 3)
    assert tcl(f"torch::manual_seed 4; torch::{command} $lin") == tcl("set lin")
    layer = tcl.interp.store.get(tcl("set lin"), "module")
    assert list(layer.parametrizations.keys()) == ["weight"]
    torch.manual_seed(4)
    wrapper(want, "weight", *kwargs.values())
    x = rnd(40, 2, 4)
    torch.testing.assert_close(_forward(tcl, "$lin", x), want(x), rtol=0, atol=0)
    assert len(tcl("torch::layer_parameters $lin").split()) == len(list(want.parameters()))


# --- errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("script, message", [
    ("torch::batch_norm2d", "Required parameter missing: num_features (or input)"),
    ("torch::batchnorm2d 0", "Invalid value for num_features: 0"),
    ("torch::batchnorm2d -input [torch::zeros {2 3 4}]", "expected 4D input (got 3D input)"),
    ("torch::batch_norm1d -input [torch::zeros {2 3 4 5}]",
     "expected 2D or 3D input (got 4D input)"),
    ("torch::batchnorm2d 3 -foo 1", "Unknown parameter: -foo"),
    ("torch::batch_norm3d x", "Invalid num_features: x (a positive integer; or give the input "
                              "tensor first for the function)"),
    ("torch::instance_norm1d", "Required parameters missing: input tensor required"),
    ("torch::instance_norm2d -input $x4 -eps -1.0", "Invalid eps: must be positive number"),
    ("torch::instance_norm1d -input $x3 -momentum -0.1",
     "Invalid momentum: must be number >= 0"),
    ("torch::instance_norm3d -input $x3 -unknown_param value",
     "Unknown parameter: -unknown_param"),
    ("torch::instance_norm3d $x3", "expected 4D or 5D input (got 3D input)"),
    ("torch::group_norm", "numGroups and numChannels must be > 0"),
    ("torch::group_norm -numGroups 0 -numChannels 4", "numGroups and numChannels must be > 0"),
    ("torch::group_norm -numGroups 2 -numChannels 0", "numGroups and numChannels must be > 0"),
    ("torch::group_norm -numGroups 2.5 -numChannels 4", "Invalid numGroups value"),
    ("torch::group_norm -numGroups 2 -numChannels 4 -eps not_a_number", "Invalid eps value"),
    ("torch::group_norm -numGroups 2 -numChannels 4 -unknown_param value",
     "Unknown parameter: -unknown_param"),
    ("torch::layer_norm {}", "Invalid normalized_shape value"),
    ("torch::layer_norm invalid_shape", "Invalid normalized_shape value"),
    ("torch::layer_norm -unknown_param value -normalizedShape 512",
     "Unknown parameter: -unknown_param"),
    ("torch::layer_norm -normalizedShape 512 -eps invalid", "Invalid eps value"),
    ("torch::cross_map_lrn2d -size 5", "Required parameter missing: -input tensor_name"),
    ("torch::cross_map_lrn2d -input invalid_tensor", "Tensor not found"),
    ("torch::cross_map_lrn2d -input $x4 -size 0",
     "Required parameter missing: -input tensor_name"),
    ("torch::cross_map_lrn2d -input $x4 -alpha invalid", "Invalid alpha parameter"),
    ("torch::cross_map_lrn2d -input $x4 -unknown_param value",
     "Unknown parameter: -unknown_param"),
    ("torch::weight_norm", "Wrong number of arguments"),
    ("torch::weight_norm $x2 10",
     "Dimension out of range (expected to be in range of [-2, 1], but got 10)"),
    ("torch::weight_norm -invalid $x2",
     "Unknown parameter: -invalid. Valid parameters are: -input/-tensor, -dim"),
    ("torch::weight_norm no_such_tensor", "Invalid tensor name"),
    ("torch::spectral_norm $x2 0", "Invalid value for n_power_iterations: 0"),
    ("torch::local_response_norm -input $x3", "Required parameter missing: size"),
])
def test_error_texts(shared, script, message):
    shared("set x2 [torch::ones {2 2}]; set x3 [torch::ones {2 3 4}]; "
           "set x4 [torch::ones {1 3 4 4}]")
    assert shared.error(script).message == message


def test_torch_errors_are_clean(shared):
    err = shared.error("torch::instance_norm2d [torch::ones {2 3 4 5} -dtype int64]")
    assert '"batch_norm" not implemented for \'Long\'' in err.message
