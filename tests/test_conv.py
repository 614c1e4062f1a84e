"""The convolution commands against the PyTorch calls they make: the functions (conv1d ...,
tensor_conv*, fold, unfold) on seeded random inputs, contiguous or not, batched or not, grouped;
the layers (conv2d 3 16 3, ...) against the torch.nn module built under the same seed; every
command in its positional and named syntax and by its camelCase name; autograd; the pages'
error texts."""

import pytest
import torch
import torch.nn.functional as F
from conftest import rnd


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny convolutions run faster on one thread (PyTorch's threads only wait on a busy
    machine); the setting is restored after this file."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def strided(t):
    """The same values in a non-contiguous tensor."""
    out = t.mT.contiguous().mT if t.dim() > 1 else t.repeat_interleave(2)[::2]
    assert not out.is_contiguous()
    return out


# (id, inputs (a function of a seeded generator), scripts that must all give `expected`,
#  expected (a function of the inputs))
def conv_inputs(x, w, b):
    return lambda g: {"x": rnd(g, *x), "w": rnd(g, *w), "b": rnd(g, b)}


FUNCTIONS = [
    ("conv1d", conv_inputs((2, 4, 9), (6, 4, 3), 6),
     ["torch::conv1d $x $w $b 2 1", "torch::conv1d -input $x -weight $w -bias $b -stride 2 "
      "-padding 1", "torch::conv1d -weight $w -stride {2} -input $x -padding 1 -bias $b"],
     lambda x, w, b: F.conv1d(x, w, b, 2, 1)),
    ("conv1d-groups-nobias", conv_inputs((1, 4, 9), (6, 2, 3), 6),
     ["torch::conv1d $x $w none 1 2 2 2", "torch::conv1d -input $x -weight $w -bias none "
      "-padding 2 -dilation 2 -groups 2", "torch::conv1d $x $w 0 1 2 2 2"],
     lambda x, w, b: F.conv1d(x, w, None, 1, 2, 2, 2)),
    ("conv1d-same", conv_inputs((1, 2, 8), (3, 2, 3), 3),
     ["torch::conv1d -input $x -weight $w -padding same", "torch::conv1d $x $w {} 1 same"],
     lambda x, w, b: F.conv1d(x, w, padding="same")),
    ("tensor_conv1d", conv_inputs((2, 4, 10), (6, 2, 3), 6),
     ["torch::tensor_conv1d $x $w $b 2 1 1 2",
      "torch::tensor_conv1d -input $x -weight $w -bias $b -stride 2 -padding 1 -groups 2",
      "torch::tensorConv1d -input $x -weight $w -bias $b -stride 2 -padding 1 -groups 2"],
     lambda x, w, b: F.conv1d(x, w, b, 2, 1, 1, 2)),
    ("tensor_conv1d-unbatched", conv_inputs((3, 7), (2, 3, 3), 2),
     ["torch::tensor_conv1d $x $w", "torch::tensorConv1d $x $w {}",
      "torch::tensor_conv1d -input $x -weight $w -bias none"],
     lambda x, w, b: F.conv1d(x, w)),
    ("conv2d", conv_inputs((2, 3, 7, 6), (4, 3, 3, 2), 4),
     ["torch::conv2d $x $w $b {2 1} {1 0}", "torch::conv2d -input $x -weight $w -bias $b "
      "-stride {2 1} -padding {1 0}"],
     lambda x, w, b: F.conv2d(x, w, b, (2, 1), (1, 0))),
    ("conv2d-groups-dilation", conv_inputs((1, 4, 7, 7), (6, 2, 3, 3), 6),
     ["torch::conv2d $x $w none 1 1 {2 1} 2",
      "torch::conv2d -input $x -weight $w -dilation {2 1} -padding 1 -groups 2"],
     lambda x, w, b: F.conv2d(x, w, None, 1, 1, (2, 1), 2)),
    ("conv3d", conv_inputs((1, 2, 5, 6, 5), (4, 2, 2, 3, 2), 4),
     ["torch::conv3d $x $w $b {1 2 1} 1", "torch::conv3d -input $x -weight $w -bias $b "
      "-stride {1 2 1} -padding {1 1 1} -dilation 1 -groups 1"],
     lambda x, w, b: F.conv3d(x, w, b, (1, 2, 1), 1)),
    ("conv3d-groups", conv_inputs((2, 4, 4, 4, 4), (2, 2, 3, 3, 3), 2),
     ["torch::conv3d $x $w none 1 0 1 2", "torch::conv3d -input $x -weight $w -groups 2"],
     lambda x, w, b: F.conv3d(x, w, groups=2)),
    ("conv_transpose1d", conv_inputs((2, 4, 6), (4, 3, 3), 3),
     ["torch::conv_transpose1d $x $w $b 2 1 1 1 1",
      "torch::conv_transpose1d -input $x -weight $w -bias $b -stride 2 -padding 1 "
      "-output_padding 1", "torch::convTranspose1d -input $x -weight $w -bias $b -stride 2 "
      "-padding 1 -outputPadding 1"],
     lambda x, w, b: F.conv_transpose1d(x, w, b, 2, 1, 1)),
    ("conv_transpose1d-groups", conv_inputs((1, 4, 5), (4, 2, 3), 4),
     ["torch::conv_transpose1d $x $w none 1 0 0 2 2",
      "torch::convTranspose1d -input $x -weight $w -groups 2 -dilation 2"],
     lambda x, w, b: F.conv_transpose1d(x, w, None, 1, 0, 0, 2, 2)),
    ("conv_transpose_2d", conv_inputs((2, 3, 4, 5), (3, 2, 3, 3), 2),
     ["torch::conv_transpose_2d $x $w $b {2 2} {1 1} {0 1} 1 {1 1}",
      "torch::conv_transpose_2d -input $x -weight $w -bias $b -stride 2 -padding 1 "
      "-output_padding {0 1}", "torch::convTranspose2d $x $w $b 2 1 {0 1}"],
     lambda x, w, b: F.conv_transpose2d(x, w, b, 2, 1, (0, 1))),
    ("conv_transpose3d", conv_inputs((1, 2, 3, 3, 3), (2, 4, 2, 2, 2), 8),
     ["torch::conv_transpose3d $x $w none 2 0 1 2",
      "torch::convTranspose3d -input $x -weight $w -stride 2 -outputPadding 1 -groups 2",
      "torch::conv_transpose3d -input $x -weight $w -stride {2 2 2} -output_padding 1 "
      "-groups 2 -dilation 1"],
     lambda x, w, b: F.conv_transpose3d(x, w, None, 2, 0, 1, 2)),
    ("tensor_conv_transpose1d", conv_inputs((2, 3, 5), (3, 4, 3), 4),
     ["torch::tensor_conv_transpose1d $x $w $b 2 1 1",
      "torch::tensor_conv_transpose1d -input $x -weight $w -bias $b -stride 2 -padding 1 "
      "-output_padding 1", "torch::tensorConvTranspose1d $x $w $b 2 1 1 1 1"],
     lambda x, w, b: F.conv_transpose1d(x, w, b, 2, 1, 1)),
    ("tensor_conv_transpose1d-unbatched", conv_inputs((4, 5), (4, 3, 3), 6),
     ["torch::tensor_conv_transpose1d $x $w none 1 0 0 2",
      "torch::tensorConvTranspose1d -input $x -weight $w -groups 2"],
     lambda x, w, b: F.conv_transpose1d(x, w, groups=2)),
    ("tensor_conv_transpose2d", conv_inputs((1, 4, 3, 4), (4, 3, 2, 3), 6),
     ["torch::tensor_conv_transpose2d $x $w $b {2 1} {1 0} {1 0} 2 {1 2}",
      "torch::tensor_conv_transpose2d -input $x -weight $w -bias $b -stride {2 1} "
      "-padding {1 0} -output_padding {1 0} -groups 2 -dilation {1 2}",
      "torch::tensorConvTranspose2d -dilation {1 2} -groups 2 -input $x -weight $w -bias $b "
      "-stride {2 1} -padding {1 0} -outputPadding {1 0}"],
     lambda x, w, b: F.conv_transpose2d(x, w, b, (2, 1), (1, 0), (1, 0), 2, (1, 2))),
    ("fold", lambda g: {"x": rnd(g, 2, 3 * 4, 9)},
     ["torch::fold $x {4 4} {2 2}", "torch::fold -input $x -outputSize {4 4} -kernelSize 2",
      "torch::Fold -tensor $x -output_size 4 -kernel_size {2 2} -dilation 1 -padding 0 "
      "-stride 1"],
     lambda x: F.fold(x, (4, 4), (2, 2))),
    ("fold-options", lambda g: {"x": rnd(g, 1, 2 * 4, 25)},
     ["torch::fold $x {5 5} {2 2} {2 2} {1 1} {1 1}",
      "torch::fold -input $x -output_size {5 5} -kernel_size 2 -dilation 2 -padding 1"],
     lambda x: F.fold(x, 5, 2, dilation=2, padding=1)),
    ("fold-unbatched", lambda g: {"x": rnd(g, 2 * 2, 4)},
     ["torch::fold $x {3 3} 2"], lambda x: F.fold(x, 3, 2)),
    ("unfold", lambda g: {"x": rnd(g, 3, 8)},
     ["torch::unfold $x 1 3 2", "torch::unfold -input $x -dimension 1 -size 3 -step 2",
      "torch::unfold -tensor $x -dimension -1 -size 3 -step 2"],
     lambda x: x.unfold(1, 3, 2)),
    ("unfold-dim0", lambda g: {"x": rnd(g, 7, 2)},
     ["torch::unfold $x 0 2 3"], lambda x: x.unfold(0, 2, 3)),
]


def _same(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape
    assert torch.equal(got, want), (got - want).abs().max()


@pytest.mark.parametrize("case", FUNCTIONS, ids=[c[0] for c in FUNCTIONS])
def test_functions_match_torch(shared, case):
    """Each script gives PyTorch's result, on a contiguous input and on a strided one."""
    _, make, scripts, expected = case
    inputs = make(torch.Generator().manual_seed(5))
    for x in (inputs["x"], strided(inputs["x"])):
        inputs["x"] = x
        shared.load(inputs)
        want = expected(**inputs)
        for script in scripts:
            _same(shared.interp.tensor(shared(script)), want)


# one case per command (the variants take the same path)
GRAD_CASES = [c for c in FUNCTIONS if "-" not in c[0]]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_functions_autograd(shared, case):
    """The result has a grad_fn, and the gradients reaching input, weight and bias are
    PyTorch's."""
    _, make, scripts, expected = case
    inputs = make(torch.Generator().manual_seed(9))
    leaves = {k: v.clone().requires_grad_() for k, v in inputs.items()}
    twins = {k: v.clone().requires_grad_() for k, v in inputs.items()}
    shared.load(leaves)
    got = shared.interp.tensor(shared(scripts[0]))
    assert got.grad_fn is not None
    got.square().sum().backward()
    expected(**twins).square().sum().backward()
    used = [k for k in leaves if f"${k}" in scripts[0] and leaves[k].grad is not None]
    assert "x" in used
    for k in used:
        torch.testing.assert_close(leaves[k].grad, twins[k].grad)


# --- layers: (id, script, torch module built under the same seed, input shape)
LAYERS = [
    ("conv2d", "torch::conv2d 3 4 3", lambda: torch.nn.Conv2d(3, 4, 3), (2, 3, 6, 6)),
    ("conv2d-stride-padding-nobias", "torch::conv2d 3 4 3 2 1 0",
     lambda: torch.nn.Conv2d(3, 4, 3, 2, 1, bias=False), (1, 3, 7, 7)),
    ("conv2d-api-form", "torch::conv2d 4 6 3 1 1 2 2 true",
     lambda: torch.nn.Conv2d(4, 6, 3, 1, 1, 2, 2), (1, 4, 7, 7)),
    ("conv2d-named", "torch::conv2d -inChannels 3 -outChannels 4 -kernelSize {3 2} "
     "-stride {1 2} -padding 1 -bias false",
     lambda: torch.nn.Conv2d(3, 4, (3, 2), (1, 2), 1, bias=False), (2, 3, 6, 6)),
    ("conv2dLayer", "torch::conv2dLayer -in_channels 4 -out_channels 2 -kernel_size 3 "
     "-groups 2 -dilation 2 -padding same",
     lambda: torch.nn.Conv2d(4, 2, 3, padding="same", dilation=2, groups=2), (1, 4, 6, 6)),
    ("conv1d-layer", "torch::conv1d 2 3 3 2", lambda: torch.nn.Conv1d(2, 3, 3, 2), (2, 2, 9)),
    ("conv3d-layer", "torch::conv3d -inChannels 2 -outChannels 2 -kernelSize 2 -groups 2",
     lambda: torch.nn.Conv3d(2, 2, 2, groups=2), (1, 2, 3, 4, 3)),
    ("conv_transpose1d-layer", "torch::convTranspose1d 3 2 3 2 1 1",
     lambda: torch.nn.ConvTranspose1d(3, 2, 3, 2, 1, 1), (2, 3, 5)),
    ("conv_transpose_2d-layer", "torch::conv_transpose_2d 4 6 3 2 1 1 2 false",
     lambda: torch.nn.ConvTranspose2d(4, 6, 3, 2, 1, 1, 2, bias=False), (1, 4, 3, 3)),
    ("conv_transpose3d-layer", "torch::conv_transpose3d -in_channels 2 -out_channels 3 "
     "-kernel_size 2 -stride 2 -dilation 1",
     lambda: torch.nn.ConvTranspose3d(2, 3, 2, 2), (1, 2, 2, 3, 2)),
]


@pytest.mark.parametrize("case", LAYERS, ids=[c[0] for c in LAYERS])
def test_layers_match_torch(shared, case):
    """Built under the same seed, the layer is PyTorch's module with the same initial
    parameters; its forward pass (on a strided input too) gives the same values, and the
    gradients reach its weight."""
    _, script, build, shape = case
    torch.manual_seed(21)
    handle = shared(script)
    torch.manual_seed(21)
    twin = build()
    layer = shared.interp.store.get(handle, "module")
    assert type(layer) is type(twin) and repr(layer) == repr(twin)
    mine, theirs = layer.state_dict(), twin.state_dict()
    assert mine.keys() == theirs.keys()
    for key in mine:
        assert torch.equal(mine[key], theirs[key]), key
    x = rnd(torch.Generator().manual_seed(1), *shape)
    for data in (x, strided(x)):
        shared(f"set x {shared.interp.put(data)}")
        out = shared.interp.tensor(shared(f"torch::layer_forward {handle} $x"))
        _same(out, twin(data))
    layer.zero_grad()
    twin.zero_grad()
    out.sum().backward()
    twin(x).sum().backward()
    assert layer.weight.grad is not None
    torch.testing.assert_close(layer.weight.grad, twin.weight.grad)


def test_conv2d_set_weights(tcl):
    g = torch.Generator().manual_seed(2)
    w, b, x = rnd(g, 4, 3, 3, 3), rnd(g, 4), rnd(g, 1, 3, 5, 5)
    tcl.load({"w": w, "b": b, "x": x})
    for script in ["torch::conv2d_set_weights $c $w $b",
                   "torch::conv2d_set_weights -layer $c -weight $w -bias $b",
                   "torch::conv2dSetWeights -bias $b -weight $w -layer $c"]:
        tcl("set c [torch::conv2d 3 4 3]")
        assert tcl(script) == "OK"
        layer = tcl.interp.store.get(tcl("set c"), "module")
        assert torch.equal(layer.weight, w) and torch.equal(layer.bias, b)
        assert layer.weight.is_leaf and layer.weight.requires_grad
        _same(tcl.interp.tensor(tcl("torch::layer_forward $c $x")), F.conv2d(x, w, b))
    # a copy: changing the source later leaves the layer alone
    w.add_(1)
    assert not torch.equal(layer.weight, w)
    # the weight alone; the bias stays; a float64 tensor is converted to the layer's float32
    tcl("set c [torch::conv2d 3 4 3]")
    layer = tcl.interp.store.get(tcl("set c"), "module")
    bias = layer.bias.detach().clone()
    w64 = rnd(g, 4, 3, 3, 3).double()
    tcl(f"torch::conv2d_set_weights $c {tcl.interp.put(w64)}")
    assert layer.weight.dtype == torch.float32 and torch.equal(layer.weight, w64.float())
    assert torch.equal(layer.bias, bias)
    # a layer without bias ignores one
    tcl("set c [torch::conv2d 3 4 3 1 0 0]")
    assert tcl("torch::conv2d_set_weights $c $w $b") == "OK"
    assert tcl.interp.store.get(tcl("set c"), "module").bias is None


def test_conv2d_set_weights_errors(tcl):
    tcl("set c [torch::conv2d 3 4 3]; set w [torch::randn -shape {4 3 3 3}]")
    assert tcl.error("torch::conv2dSetWeights -layer nothing -weight $w").message == \
        "Invalid layer name"
    assert tcl.error("torch::conv2dSetWeights -layer $c -weight nothing").message == \
        "Invalid weight tensor name"
    assert tcl.error("torch::conv2dSetWeights -layer $c").message == \
        "Required parameters: layer and weight"
    assert tcl.error("torch::conv2dSetWeights -layer $c -weight $w -unknown_param 1").message \
        == "Unknown parameter: -unknown_param"
    wrong = tcl.error("torch::conv2d_set_weights $c [torch::randn -shape {5 3 3 3}]").message
    assert wrong == "Invalid weight shape: [5, 3, 3, 3] (the layer's weight has shape " \
        "[4, 3, 3, 3])"
    assert "Invalid bias shape" in tcl.error(
        "torch::conv2d_set_weights $c $w [torch::zeros {3}]").message
    assert tcl.error("torch::conv2d_set_weights [torch::linear 2 3] $w").message == \
        "Layer is not a Conv2d layer (it is a Linear)"


@pytest.mark.parametrize("script, message", [
    ("torch::conv3d -input $x", "Required parameters: input and weight"),
    ("torch::conv3d -input nothing -weight $w", "Invalid input tensor name"),
    ("torch::conv3d -input $x -weight $w -stride {1 2}", "Value must be int or list of 3 ints"),
    ("torch::conv3d -input $x -weight $w -unknown_param 5", "Unknown parameter: -unknown_param"),
    ("torch::conv_transpose1d -weight $w",
     "Required parameters missing: input and weight must be specified"),
    ("torch::conv_transpose1d nothing $w", "Invalid input tensor name"),
    ("torch::conv_transpose1d -input $x -weight $w -stride invalid", "Invalid stride value"),
    ("torch::conv_transpose3d -weight $w", "Required parameters 'input' and 'weight' are missing"),
    ("torch::conv_transpose3d -input $x -weight", "Named parameters must come in pairs"),
    ("torch::conv_transpose3d $x $v none 1 0 2",
     "output padding must be smaller than either stride or dilation"),
    ("torch::tensor_conv1d -weight $w", "Required parameter missing: input"),
    ("torch::tensor_conv1d -input $x -weight $w -bias nothing", "Invalid bias tensor name"),
    ("torch::tensor_conv_transpose2d -input $x -weight $w -groups 1.5", "Invalid groups value"),
    ("torch::fold nothing {28 28} {3 3}", "Invalid input tensor name"),
    ("torch::fold $x {28 28} {3 3 3}", "Kernel size must be list of 2 ints"),
    ("torch::fold $x {28 28 1} {3 3}", "Output size must be list of 2 ints"),
    ("torch::fold -input $x",
     "Required parameters missing: input tensor, output_size, and kernel_size required"),
    ("torch::unfold $x 0 3", "Required parameter missing: step"),
    ("torch::unfold $x 0 3 x", "Invalid step value"),
    ("torch::conv2d", "Required parameter missing: in_channels"),
    ("torch::conv2d -inChannels 3 -outChannels 4", "Required parameter missing: kernel_size"),
    ("torch::conv2d 3 0 3", "Invalid out_channels: 0 (must be positive)"),
    ("torch::conv2d 3 4 {3 0}",
     "Invalid kernel_size: 3 0 (must be a positive int or a list of 2 positive ints)"),
    ("torch::conv2d -inChannels 3 -outChannels 4 -kernelSize 3 -input $x",
     "torch::conv2d: give -input and -weight (a convolution of tensors) or -in_channels, "
     "-out_channels and -kernel_size (a layer), not both"),
    ("torch::conv2d 3 4 3 -bias $w", "Invalid bias: a layer takes a boolean -bias"),
    ("torch::conv1d $x $w true", "Invalid bias: a convolution of tensors takes a bias tensor "
     "or none"),
    ("torch::conv1d", "Required parameter missing: input"),
])
def test_error_texts(shared, script, message):
    g = torch.Generator().manual_seed(3)
    shared.load({"x": rnd(g, 1, 2, 4, 4, 4), "w": rnd(g, 2, 2, 2, 2, 2),
                   "v": rnd(g, 2, 2, 2, 2, 2)})
    assert message in shared.error(script).message
