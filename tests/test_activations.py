"""The activation commands against the PyTorch calls they make (values, dtype, shape, autograd on
seeded random inputs: float64, non-contiguous, empty, negative dims), each in its positional and
named syntax and by its camelCase name; their nn_ layer twins against the torch.nn modules; the
pages' error texts; and docs/models.md's MLP against the same model built in Python."""

import re

import pytest
import torch
import torch.nn.functional as F
from conftest import ROOT, Session, assert_same

from torchtcl_kernel.core.registry import REGISTRY

F64 = torch.float64


def rnd(g, *shape, dtype=torch.float32):
    return torch.randn(*shape, generator=g, dtype=dtype) * 3


# (id, inputs (a function of a seeded generator), scripts that must all give `expected`,
#  expected (a function of the inputs))
CASES = [
    ("tensor_relu", lambda g: {"x": rnd(g, 3, 4)},
     ["torch::tensor_relu $x", "torch::tensor_relu -input $x", "torch::tensorRelu -tensor $x"],
     lambda x: torch.relu(x)),
    ("tensor_sigmoid", lambda g: {"x": rnd(g, 5, dtype=F64)},
     ["torch::tensor_sigmoid $x", "torch::tensorSigmoid -input $x"], lambda x: torch.sigmoid(x)),
    ("tensor_tanh", lambda g: {"x": rnd(g, 4, 3).t()},
     ["torch::tensor_tanh $x", "torch::tensorTanh -tensor $x"], lambda x: torch.tanh(x)),
    ("tensor_softmax", lambda g: {"x": rnd(g, 3, 4)},
     ["torch::tensor_softmax $x 1", "torch::tensorSoftmax -input $x -dim -1"],
     lambda x: F.softmax(x, 1)),
    ("tensor_softmax-dtype", lambda g: {"x": rnd(g, 3, 4)},
     ["torch::tensor_softmax $x 0 float64",
      "torch::tensor_softmax -input $x -dim 0 -dtype float64"],
     lambda x: F.softmax(x, 0, dtype=F64)),
    ("elu", lambda g: {"x": rnd(g, 2, 5)},
     ["torch::elu $x", "torch::elu -input $x", "torch::Elu -tensor $x -alpha 1.0"],
     lambda x: F.elu(x)),
    ("elu-alpha", lambda g: {"x": rnd(g, 6, dtype=F64)},
     ["torch::elu $x 0.5", "torch::elu -input $x -alpha 0.5", "torch::Elu $x 0.5"],
     lambda x: F.elu(x, 0.5)),
    ("elu-empty", lambda g: {"x": torch.zeros(0, 3)}, ["torch::elu $x"], lambda x: F.elu(x)),
    ("gelu", lambda g: {"x": rnd(g, 3, 4)},
     ["torch::gelu $x", "torch::gelu -input $x", "torch::gelu -tensor $x -approximate none"],
     lambda x: F.gelu(x)),
    ("gelu-tanh", lambda g: {"x": rnd(g, 3, 4, dtype=F64).t()},
     ["torch::gelu $x tanh", "torch::gelu -input $x -approximate tanh"],
     lambda x: F.gelu(x, approximate="tanh")),
    ("glu", lambda g: {"x": rnd(g, 3, 6)},
     ["torch::glu $x", "torch::glu -input $x", "torch::glu -tensor $x -dim -1"],
     lambda x: F.glu(x)),
    ("glu-dim0", lambda g: {"x": rnd(g, 4, 3).t().t()},
     ["torch::glu $x 0", "torch::glu -input $x -dimension -2"], lambda x: F.glu(x, 0)),
    ("hardsigmoid", lambda g: {"x": rnd(g, 8)},
     ["torch::hardsigmoid $x", "torch::hardsigmoid -input $x", "torch::hardSigmoid $x"],
     lambda x: F.hardsigmoid(x)),
    ("hardswish", lambda g: {"x": rnd(g, 2, 4, dtype=F64)},
     ["torch::hardswish $x", "torch::hardswish -input $x", "torch::hardSwish -input $x"],
     lambda x: F.hardswish(x)),
    ("hardtanh", lambda g: {"x": rnd(g, 3, 3)},
     ["torch::hardtanh $x", "torch::hardtanh -input $x", "torch::hardTanh $x -1 1"],
     lambda x: F.hardtanh(x)),
    ("hardtanh-range", lambda g: {"x": rnd(g, 3, 3).t()},
     ["torch::hardtanh $x -0.5 2", "torch::hardtanh -input $x -min -0.5 -max 2",
      "torch::hardtanh -input $x -minVal -0.5 -maxVal 2.0",
      "torch::hardTanh -tensor $x -min_val -0.5 -max_val 2"],
     lambda x: F.hardtanh(x, -0.5, 2.0)),
    ("logsoftmax", lambda g: {"x": rnd(g, 3, 5)},
     ["torch::logsoftmax $x", "torch::logsoftmax -input $x -dim -1",
      "torch::logSoftmax -tensor $x -dimension 1"], lambda x: F.log_softmax(x, -1)),
    ("logsoftmax-dim0", lambda g: {"x": rnd(g, 3, 5, dtype=F64)},
     ["torch::logsoftmax $x 0", "torch::logsoftmax -input $x -dim -2"],
     lambda x: F.log_softmax(x, 0)),
    ("mish", lambda g: {"x": rnd(g, 7)},
     ["torch::mish $x", "torch::mish -input $x"], lambda x: F.mish(x)),
    ("prelu", lambda g: {"x": rnd(g, 2, 3, 4), "w": torch.tensor([0.1, 0.2, 0.3])},
     ["torch::prelu $x $w", "torch::prelu -input $x -weight $w",
      "torch::prelu -weight $w -tensor $x"], lambda x, w: F.prelu(x, w)),
    ("prelu-scalar", lambda g: {"x": rnd(g, 5, dtype=F64), "w": torch.tensor([0.25], dtype=F64)},
     ["torch::prelu $x $w"], lambda x, w: F.prelu(x, w)),
    ("relu6", lambda g: {"x": rnd(g, 4, 4) * 2},
     ["torch::relu6 $x", "torch::relu6 -input $x", "torch::relu6 -tensor $x"],
     lambda x: F.relu6(x)),
    ("relu6-int", lambda g: {"x": torch.tensor([-3, 2, 9], dtype=torch.int32)},
     ["torch::relu6 $x"], lambda x: F.relu6(x)),
    ("rrelu-eval", lambda g: {"x": rnd(g, 3, 4)},
     ["torch::rrelu $x", "torch::rrelu -input $x", "torch::rRelu $x 0.125 [expr {1/3.0}] 0"],
     lambda x: F.rrelu(x)),
    ("rrelu-bounds", lambda g: {"x": rnd(g, 6, dtype=F64)},
     ["torch::rrelu $x 0.1 0.3", "torch::rrelu -upper 0.3 -input $x -lower 0.1"],
     lambda x: F.rrelu(x, 0.1, 0.3)),
    ("selu", lambda g: {"x": rnd(g, 2, 3)},
     ["torch::selu $x", "torch::selu -input $x"], lambda x: F.selu(x)),
    ("silu", lambda g: {"x": rnd(g, 2, 3, dtype=F64)},
     ["torch::silu $x", "torch::silu -input $x", "torch::siLU $x"], lambda x: F.silu(x)),
    ("softmax2d", lambda g: {"x": rnd(g, 2, 3, 4, 4)},
     ["torch::softmax2d $x", "torch::softmax2d -input $x -dim 1",
      "torch::softmax2D -tensor $x -dimension 1"], lambda x: torch.nn.Softmax2d()(x)),
    ("softmax2d-dim", lambda g: {"x": rnd(g, 2, 3, 4)},
     ["torch::softmax2d $x 2", "torch::softmax2d -input $x -dim -1"],
     lambda x: F.softmax(x, 2)),
    ("softmin", lambda g: {"x": rnd(g, 3, 4)},
     ["torch::softmin $x", "torch::softmin -input $x -dim 1", "torch::softMin -tensor $x"],
     lambda x: F.softmin(x, -1)),
    ("softmin-dim0", lambda g: {"x": rnd(g, 4, 3, dtype=F64).t()},
     ["torch::softmin $x 0", "torch::softmin -input $x -dimension -2"],
     lambda x: F.softmin(x, 0)),
    ("softplus", lambda g: {"x": rnd(g, 3, 4)},
     ["torch::softplus $x", "torch::softplus -input $x", "torch::softPlus -tensor $x"],
     lambda x: F.softplus(x)),
    ("softplus-beta", lambda g: {"x": rnd(g, 3, 4, dtype=F64)},
     ["torch::softplus $x 2 5", "torch::softplus -input $x -beta 2 -threshold 5"],
     lambda x: F.softplus(x, 2.0, 5.0)),
    ("softsign", lambda g: {"x": rnd(g, 4)},
     ["torch::softsign $x", "torch::softsign -input $x", "torch::softSign -tensor $x"],
     lambda x: F.softsign(x)),
    ("tanhshrink", lambda g: {"x": rnd(g, 2, 2)},
     ["torch::tanhshrink $x", "torch::tanhshrink -input $x", "torch::tanhShrink $x"],
     lambda x: F.tanhshrink(x)),
    ("threshold", lambda g: {"x": rnd(g, 3, 3)},
     ["torch::threshold $x 0.5 -2", "torch::threshold -input $x -threshold 0.5 -value -2",
      "torch::Threshold -value -2 -threshold 0.5 -input $x"],
     lambda x: F.threshold(x, 0.5, -2.0)),
    ("threshold-empty", lambda g: {"x": torch.zeros(0, dtype=F64)},
     ["torch::threshold $x 0 1"], lambda x: F.threshold(x, 0.0, 1.0)),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(shared, case):
    _, make, scripts, expected = case
    inputs = make(torch.Generator().manual_seed(5))
    shared.load(inputs)
    want = expected(**inputs)
    for script in scripts:
        assert_same(shared.interp.tensor(shared(script)), want)


GRAD_CASES = [c for c in CASES if c[0] not in ("relu6-int", "tensor_softmax-dtype")]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_autograd(shared, case):
    """The result has a grad_fn, and its gradients are PyTorch's."""
    _, make, scripts, expected = case
    inputs = make(torch.Generator().manual_seed(9))
    leaves = {k: v.detach().clone().requires_grad_() for k, v in inputs.items()}
    twins = {k: v.detach().clone().requires_grad_() for k, v in inputs.items()}
    shared.load(leaves)
    got = shared.interp.tensor(shared(scripts[0]))
    assert got.grad_fn is not None
    got.sum().backward()
    expected(**twins).sum().backward()
    for k in leaves:
        torch.testing.assert_close(leaves[k].grad, twins[k].grad)


def test_rrelu_training_draws_as_torch_does(shared):
    x = rnd(torch.Generator().manual_seed(3), 4, 5)
    shared.load({"x": x})
    shared("torch::manual_seed 11")
    got = shared.interp.tensor(shared("torch::rrelu $x 0.1 0.6 1"))
    torch.manual_seed(11)
    want = F.rrelu(x, 0.1, 0.6, training=True)
    assert_same(got, want)
    assert not torch.equal(got, F.rrelu(x, 0.1, 0.6))      # the random slopes were used
    shared("torch::manual_seed 11")
    assert_same(shared.interp.tensor(shared("torch::rrelu -input $x -lower 0.1 -upper 0.6 "
                                      "-training true")), want)


# --- the layer twins ----------------------------------------------------------------------------
# (script making the layer, the torch.nn module it must equal, input shape)
LAYERS = [
    ("torch::nn_relu", torch.nn.ReLU(), (3, 4)),
    ("torch::nnRelu 0", torch.nn.ReLU(), (3, 4)),
    ("torch::nn_sigmoid", torch.nn.Sigmoid(), (3, 4)),
    ("torch::nn_tanh", torch.nn.Tanh(), (3, 4)),
    ("torch::nn_softmax 1", torch.nn.Softmax(1), (3, 4)),
    ("torch::nn_softmax -dim 0", torch.nn.Softmax(0), (3, 4)),
    ("torch::nn_elu 0.5", torch.nn.ELU(0.5), (3, 4)),
    ("torch::nn_elu -alpha 2 -inplace 0", torch.nn.ELU(2.0), (3, 4)),
    ("torch::nn_gelu tanh", torch.nn.GELU("tanh"), (3, 4)),
    ("torch::nn_glu -dim 0", torch.nn.GLU(0), (4, 3)),
    ("torch::nn_hardsigmoid", torch.nn.Hardsigmoid(), (3, 4)),
    ("torch::nn_hardswish", torch.nn.Hardswish(), (3, 4)),
    ("torch::nn_hardtanh -min -2 -max 0.5", torch.nn.Hardtanh(-2.0, 0.5), (3, 4)),
    ("torch::nn_logsoftmax", torch.nn.LogSoftmax(-1), (3, 4)),
    ("torch::nn_log_softmax 0", torch.nn.LogSoftmax(0), (3, 4)),
    ("torch::nn_mish", torch.nn.Mish(), (3, 4)),
    ("torch::nn_relu6", torch.nn.ReLU6(), (3, 4)),
    ("torch::nn_selu", torch.nn.SELU(), (3, 4)),
    ("torch::nn_silu", torch.nn.SiLU(), (3, 4)),
    ("torch::nn_softmax2d", torch.nn.Softmax(1), (2, 3, 2, 2)),   # = Softmax2d on N,C,H,W
    ("torch::nn_softmin -dimension 0", torch.nn.Softmin(0), (3, 4)),
    ("torch::nn_softplus 2 10", torch.nn.Softplus(2.0, 10.0), (3, 4)),
    ("torch::nn_softsign", torch.nn.Softsign(), (3, 4)),
    ("torch::nn_tanhshrink", torch.nn.Tanhshrink(), (3, 4)),
    ("torch::nn_threshold 0.1 5", torch.nn.Threshold(0.1, 5.0), (3, 4)),
    ("torch::nn_leaky_relu 0.2", torch.nn.LeakyReLU(0.2), (3, 4)),
    ("torch::nnLeakyRelu -negativeSlope 0.3", torch.nn.LeakyReLU(0.3), (3, 4)),
    ("torch::nn_celu -alpha 0.7", torch.nn.CELU(0.7), (3, 4)),
    ("torch::nn_prelu", torch.nn.PReLU(), (3, 4)),
    ("torch::nn_prelu 4 0.1", torch.nn.PReLU(4, 0.1), (3, 4)),
]


@pytest.mark.parametrize("case", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_twin(shared, case):
    script, module, shape = case
    layer = shared.interp.store.get(shared(script), "module")
    assert type(layer) is type(module) and repr(layer) == repr(module)
    x = rnd(torch.Generator().manual_seed(2), *shape)
    shared.load({"x": x})
    got = shared.interp.tensor(shared(f"torch::layer_forward [{script}] $x"))
    assert_same(got, module(x))


def test_every_activation_has_a_layer_twin_with_its_options():
    functional = [n for n, c in REGISTRY.items()
                  if c.family == "activations" and not n.startswith("nn_")]
    assert len(functional) == 23
    for name in [*functional, "leaky_relu", "celu"]:
        twin = REGISTRY["nn_" + name.removeprefix("tensor_")]
        shared_opts = [p for p in REGISTRY[name].params[1:]
                       if p.name not in ("training", "weight", "dtype")]
        assert twin.params[:len(shared_opts)] == shared_opts       # the very same declarations
        assert [p.name for p in twin.params[-2:]] == ["device", "dtype"]


def test_layer_options_inplace_device_dtype(shared):
    x = torch.tensor([-1.0, 2.0])
    shared.load({"x": x})
    shared("torch::layer_forward [torch::nn_relu true] $x")
    assert torch.equal(x, torch.tensor([0.0, 2.0]))               # in place, as PyTorch does
    layer = shared.interp.store.get(shared("torch::nn_prelu 3 0.2 cpu float64"), "module")
    assert layer.weight.dtype == F64 and layer.weight.shape == (3,)
    assert repr(shared.interp.store.get(shared("torch::nn_leaky_relu 0.2 1"), "module")) == \
        repr(torch.nn.LeakyReLU(0.2, inplace=True))


def test_nn_rrelu_follows_the_models_mode(shared):
    x = rnd(torch.Generator().manual_seed(4), 3, 6)
    shared.load({"x": x})
    shared("set act [torch::nn_rrelu 0.1 0.5]")
    shared("torch::manual_seed 21")
    got = shared.interp.tensor(shared("torch::layer_forward $act $x"))
    torch.manual_seed(21)
    assert_same(got, torch.nn.RReLU(0.1, 0.5)(x))
    shared("torch::model_eval $act")
    assert_same(shared.interp.tensor(shared("torch::layer_forward $act $x")), F.rrelu(x, 0.1, 0.5))


def test_an_mlp_is_one_sequential_and_one_forward(shared):
    shared("torch::manual_seed 3")
    model = shared("torch::sequential [list [torch::linear 4 6] [torch::nn_gelu] "
                   "[torch::linear 6 3] [torch::nn_softmax 1]]")
    torch.manual_seed(3)
    want = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.GELU(), torch.nn.Linear(6, 3),
                               torch.nn.Softmax(1))
    x = rnd(torch.Generator().manual_seed(1), 5, 4)
    shared.load({"x": x})
    assert_same(shared.interp.tensor(shared(f"torch::layer_forward {model} $x")), want(x))


# --- the pages' error texts ---------------------------------------------------------------------
ERRORS = [
    ("torch::elu", 'wrong # args: should be "torch::elu tensor ?alpha?"'),
    ("torch::elu -alpha 1.0", "required parameter -input missing"),
    ("torch::elu $t nope", "invalid alpha value"),
    ("torch::elu $t 0.0", "alpha must be > 0"),
    ("torch::elu $t -1.0", "alpha must be > 0"),
    ("torch::elu -input $t -unknown_param 1.0", "unknown option -unknown_param"),
    ("torch::elu -input $t -alpha", 'wrong # args: should be "torch::elu -input tensor '
                                    '?-alpha value?"'),
    ("torch::elu invalid_tensor", "Invalid tensor name"),
    ("torch::gelu -input", "Missing value for option"),
    ("torch::gelu -input $t -foo 1", "Unknown parameter: -foo"),
    ("torch::gelu nosuch", "Invalid tensor name"),
    ("torch::glu", 'wrong # args: should be "torch::glu tensor | -input tensor"'),
    ("torch::glu [torch::ones {3 5}]", "Halving dimension must be even"),
    ("torch::hardsigmoid -invalid_param $t", "Unknown parameter: -invalid_param"),
    ("torch::hardswish invalid_tensor", "Invalid tensor name"),
    ("torch::hardtanh -input $t -min 1.0 -max -1.0", "min_val must be <= max_val"),
    ("torch::hardtanh $t invalid_min", "Invalid min_val"),
    ("torch::hardtanh $t -1.0 invalid_max", "Invalid max_val"),
    ("torch::logsoftmax", "Required parameter missing: -input or -tensor"),
    ("torch::logsoftmax $t invalid", "Invalid dimension parameter"),
    ("torch::logsoftmax [torch::tensor_create {1 2 3} int32]", "log_softmax"),
    ("torch::mish", 'wrong # args: should be "torch::mish tensor | -input tensor"'),
    ("torch::mish -unknown_param value", "unknown option -unknown_param"),
    ("torch::mish -input invalid_tensor", "Invalid tensor name"),
    ("torch::prelu invalid_tensor $t", "Invalid input tensor name"),
    ("torch::prelu $t invalid_weight", "Invalid weight tensor name"),
    ("torch::prelu $t", "Usage: torch::prelu tensor weight"),
    ("torch::prelu -input $t", "Required parameters missing (input and weight tensors required)"),
    ("torch::prelu -input $t -weight $t -slope 0.1", "Unknown parameter: -slope"),
    ("torch::prelu [torch::ones {2}] [torch::ones {3}]",
     "Mismatch of parameter numbers and input channel size"),
    ("torch::relu6 $t extra_argument", "Usage: torch::relu6 tensor"),
    ("torch::rrelu $t 0.5 0.2", "lower must be <= upper"),
    ("torch::selu", 'wrong # args: should be "torch::selu tensor | -input tensor"'),
    ("torch::softsign", 'wrong # args: should be "torch::softsign tensor | -input tensor"'),
    ("torch::softsign -invalid $t", "Unknown parameter: -invalid"),
    ("torch::softsign -input", "Missing value for parameter"),
    ("torch::tanhshrink -input $t -unknown value", "unknown option -unknown"),
    ("torch::threshold", "Required parameters missing: input tensor required"),
    ("torch::threshold invalid_tensor 0.0 0.5", "Invalid tensor name"),
    ("torch::threshold $t invalid 0.5", "Invalid threshold value"),
    ("torch::threshold $t 0.5 invalid", "Invalid value"),
    ("torch::threshold -input $t -invalid 0.0 -value 0.5",
     "Unknown parameter: -invalid. Valid parameters are: -input, -threshold, -value"),
    ("torch::threshold -input $t -threshold 0.0 -value", "Missing value for parameter"),
    ("torch::nn_softmax", "Required parameter missing: dim"),
    ("torch::nn_hardtanh 2 1", "min_val must be <= max_val"),
    ("torch::nn_elu 0", "alpha must be > 0"),
    ("torch::nn_prelu 0", "num_parameters must be > 0"),
    ("torch::nn_rrelu 0.5 0.1", "lower must be <= upper"),
    ("torch::nn_gelu fast", 'bad value "fast": must be none, tanh'),
]


@pytest.mark.parametrize("script, text", ERRORS, ids=[e[0] for e in ERRORS])
def test_page_errors(shared, script, text):
    shared("set t [torch::ones {2}]")
    message = shared.error(script).message
    assert message.startswith(text) or text in message, message


# --- docs/models.md -----------------------------------------------------------------------------
def test_models_doc_example_trains_as_pytorch_does():
    block, = re.findall(r"```tcl\n(.*?)```", (ROOT / "docs" / "models.md").read_text(), re.S)
    tcl = Session()
    tcl(block)
    got = tcl.interp.tensor(tcl("set out"))
    seed = int(re.search(r"torch::manual_seed (\d+)", block).group(1))
    torch.manual_seed(seed)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 8), nn.ReLU(),
                          nn.Linear(8, 1), nn.Sigmoid())
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = torch.tensor([[0.0], [1.0], [1.0], [0.0]])
    opt = torch.optim.SGD(model.parameters(), 0.3, momentum=0.9)
    losses = []
    for _ in range(60):
        opt.zero_grad()
        loss = F.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    torch.testing.assert_close(got, model(x))
    printed = re.findall(r"step (\d+): loss ([\d.]+)", tcl.stdout)
    assert printed == [(str(s), f"{losses[s - 1]:.4f}") for s in (20, 40, 60)]
    assert losses[-1] < 0.01                       # it learned XOR
