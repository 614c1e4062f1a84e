"""Each tensor/model command of the core issue, in its documented syntaxes, against PyTorch."""

import pytest
import torch


def T(tcl, script):
    return tcl.interp.tensor(tcl(script))


@pytest.mark.parametrize("script, expected", [
    ("torch::tensor_create {1.0 2.0 3.0}", torch.tensor([1.0, 2.0, 3.0])),
    ("torch::tensorCreate -data {1.0 2.0 3.0}", torch.tensor([1.0, 2.0, 3.0])),
    ("torch::tensor_create -values {1 2 3} -dtype int64", torch.tensor([1, 2, 3])),
    ("torch::tensor_create {{1 2} {3 4}} float64",
     torch.tensor([[1.0, 2], [3, 4]], dtype=torch.float64)),
    ("torch::tensor_create {1 0 1} bool", torch.tensor([True, False, True])),
    ("torch::tensor_create -data {true false} -dtype bool", torch.tensor([True, False])),
    ("torch::tensor_create -data {1 2 3 4} -shape {2 2}", torch.tensor([[1.0, 2], [3, 4]])),
    ("torch::tensor_create -data 5.0", torch.tensor([5.0])),
    ("torch::tensor_create -data {}", torch.tensor([])),
    ("torch::tensor_create -data 123456789012345 -dtype int64", torch.tensor([123456789012345])),
    ("torch::zeros {2 2} int32", torch.zeros(2, 2, dtype=torch.int32)),
    ("torch::ones -shape {3} -dtype float64", torch.ones(3, dtype=torch.float64)),
    ("torch::full {2 2} 5.0", torch.full((2, 2), 5.0)),
    ("torch::full -shape {3} -value 3 -dtype int32", torch.full((3,), 3, dtype=torch.int32)),
    ("torch::eye -n 3 -m 4", torch.eye(3, 4)),
    ("torch::eye 2 2 float64 cpu false", torch.eye(2, dtype=torch.float64)),
    ("torch::arange -start 1 -end 3 -step 0.5 -dtype float64",
     torch.arange(1, 3, 0.5, dtype=torch.float64)),
    ("torch::arange 1 6 1 float64 cpu", torch.arange(1, 6, 1, dtype=torch.float64)),
    ("torch::linspace 0 10 5", torch.linspace(0, 10, 5)),
    ("torch::linspace -start 1 -end 5 -steps 4 -dtype float64",
     torch.linspace(1, 5, 4, dtype=torch.float64)),
    ("torch::zeros_like [torch::ones {3 4}]", torch.zeros(3, 4)),
    ("torch::ones_like [torch::zeros {2}] int32", torch.ones(2, dtype=torch.int32)),
    ("torch::onesLike -input [torch::zeros {2}] -dtype float64",
     torch.ones(2, dtype=torch.float64)),
])
def test_creation_matches_pytorch(tcl, script, expected):
    got = T(tcl, script)
    assert got.dtype == expected.dtype
    assert torch.equal(got, expected)


def test_random_creation_is_seeded_like_pytorch(tcl):
    tcl("torch::manual_seed 7")
    got = [T(tcl, "torch::randn {2 3}"), T(tcl, "torch::rand -shape {4} -dtype float64"),
           T(tcl, "torch::randn_like [torch::zeros {2}]"),
           T(tcl, "torch::randLike -input [torch::zeros {3}]")]
    torch.manual_seed(7)
    want = [torch.randn(2, 3), torch.rand(4, dtype=torch.float64),
            torch.randn_like(torch.zeros(2)), torch.rand_like(torch.zeros(3))]
    for g, w in zip(got, want, strict=True):
        assert torch.equal(g, w)
    assert tcl("torch::tensor_shape [torch::randn {}]") == ""
    assert tcl("torch::tensor_dtype [torch::randn {2} cpu float64]") == "Float64"
    assert tcl("torch::manualSeed -s 3") == "ok"


def test_empty_and_its_alias(tcl):
    assert tcl("torch::tensor_shape [torch::empty {2 3}]") == "2 3"
    assert tcl("torch::tensor_dtype [torch::Empty -shape {2} -dtype int64]") == "Int64"


def test_inspection(tcl):
    tcl("set t [torch::tensor_create -data {1.0 2.0 3.0 4.0 5.0 6.0} -shape {2 3}]")
    assert tcl("torch::tensor_shape $t") == "2 3"
    assert tcl("torch::tensorShape -input $t") == "2 3"
    assert tcl("torch::tensor_numel -tensor $t") == "6"
    assert tcl("torch::tensor_dtype $t") == "Float32"
    assert tcl("torch::tensor_dtype [torch::ones {1} bool]") == "Bool"
    assert tcl("torch::tensor_item [torch::tensor_create -data 5.0]") == "5.000000"
    assert tcl("torch::tensor_item [torch::tensor_create -data 3.14159 -dtype float64]") \
        == "3.141590"
    assert tcl("torch::tensorItem -input [torch::tensor_create -data 42 -dtype int32]") == "42"
    assert tcl("torch::tensor_item [torch::tensor_create -data 1 -dtype bool]") == "1"
    assert tcl.error("torch::tensor_item $t").message.startswith("Tensor has 6 elements")
    # %f loses a small loss; -exact gives the double itself, which reads back unchanged
    assert tcl("torch::tensor_item [torch::full {} 1.5e-7]") == "0.000000"
    exact = tcl("torch::tensor_item [torch::full {} 1.5e-7] -exact true")
    assert float(exact) == torch.tensor(1.5e-7).item() and exact == "1.500000053056283e-07"
    assert tcl(f"expr {{{exact} == [torch::tensor_item [torch::full {{}} 1.5e-7] -exact 1]}}") \
        == "1"
    assert tcl("torch::tensorItem -input [torch::full {} 7 -dtype int64] -exact 1") == "7"
    assert tcl.error("torch::tensor_item $t 1").message == "Usage: torch::tensor_item tensor"
    assert "tensor([[1., 2., 3.]," in tcl("torch::tensor_print $t")
    assert tcl("torch::tensorPrint -input $t") == str(tcl.interp.tensor(tcl("set t")))
    assert tcl.error("torch::tensor_print").message == "Input tensor is required"
    assert tcl.error("torch::tensor_shape nosuch").message == "Invalid tensor name: nosuch"


def test_reshape(tcl):
    tcl("set t [torch::arange 6]")
    assert tcl("torch::tensor_shape [torch::tensor_reshape $t {-1 2}]") == "3 2"
    assert tcl("torch::tensor_shape [torch::tensorReshape -input $t -shape {2 3}]") == "2 3"
    assert "invalid for input of size 6" in tcl.error("torch::tensor_reshape $t {4 2}").message


def test_arithmetic_matches_pytorch(tcl):
    tcl("set a [torch::tensor_create {1.0 2.0 3.0}]; set b [torch::tensor_create {4.0 5.0 6.0}]")
    a, b = torch.tensor([1.0, 2, 3]), torch.tensor([4.0, 5, 6])
    cases = {
        "torch::tensor_add $a $b": a + b,
        "torch::tensor_add $a $b 2": a + 2 * b,
        "torch::tensorAdd -input1 $a -input2 $b -alpha 0.5": a + 0.5 * b,
        "torch::tensor_add -input $a -other $b": a + b,
        "torch::tensor_sub $a $b": a - b,
        "torch::tensor_sub -input $a -other $b -alpha 2": a - 2 * b,
        "torch::tensor_mul $a $b": a * b,
        "torch::tensor_mul $a 0.5": a * 0.5,
        "torch::tensor_div -input $a -other $b": a / b,
        "torch::tensor_add $a 10": a + 10,
        "torch::tensor_sum $a": a.sum(),
        "torch::tensor_mean -input $a": a.mean(),
    }
    for script, want in cases.items():
        assert torch.equal(T(tcl, script), want), script
    m = torch.arange(6.0).reshape(2, 3)
    tcl("set m [torch::tensor_reshape [torch::arange 6] {2 3}]")
    assert torch.equal(
        T(tcl, "torch::tensor_matmul $m [torch::tensor_reshape [torch::arange 6] {3 2}]"),
        m @ m.reshape(3, 2))
    assert torch.equal(T(tcl, "torch::tensor_sum $m 1"), m.sum(1))
    assert torch.equal(T(tcl, "torch::tensor_sum -input $m -dim 0 -keepdim 1"),
                       m.sum(0, keepdim=True))
    assert torch.equal(T(tcl, "torch::tensorMean $m 0"), m.mean(0))
    assert tcl.error("torch::tensor_mean $m invalid").message == "Invalid dimension value: invalid"
    assert "cannot be multiplied" in tcl.error("torch::tensor_matmul $m $m").message
    assert tcl.error("torch::tensor_sub nosuch $a").message == "Invalid first tensor name"
    assert tcl.error("torch::tensor_mul $a nosuch").message == "Invalid second tensor name"


def test_autograd_and_grad_mode(tcl):
    tcl("set x [torch::tensor_create -data {2.0 3.0} -requiresGrad true]")
    assert tcl("torch::tensor_requires_grad $x") == "1"
    assert tcl.error("torch::tensor_grad $x").message == "No gradient computed yet"
    assert tcl("torch::tensor_backward [torch::tensor_sum [torch::tensor_mul $x $x]]") == "OK"
    assert tcl.interp.tensor(tcl("torch::tensor_grad $x")).tolist() == [4.0, 6.0]
    assert tcl.error("torch::tensor_backward [torch::ones {1}]").message == \
        "Tensor does not require gradients"
    assert tcl.error("torch::tensor_grad [torch::ones {1}]").message == \
        "Tensor does not require gradients"
    assert tcl("torch::no_grad") == "ok"
    assert tcl("torch::tensor_requires_grad [torch::tensor_mul $x $x]") == "0"
    assert torch.is_grad_enabled(), "the script's grad mode must not leak into Python"
    assert tcl("torch::tensor_requires_grad [torch::tensor_mul $x $x]") == "0"  # it persists
    assert tcl("torch::enableGrad") == "ok"
    assert tcl("torch::tensorRequiresGrad -input [torch::tensor_mul $x $x]") == "1"


def test_tensor_to(tcl):
    tcl("set x [torch::tensor_create {1.5 2.5}]")
    assert tcl("torch::tensor_dtype [torch::tensor_to $x cpu float64]") == "Float64"
    assert tcl("torch::tensor_dtype [torch::tensorTo -input $x -device cpu -dtype int32]") \
        == "Int32"
    if not torch.cuda.is_available():
        assert "CUDA is not available" in tcl.error("torch::tensor_to $x cuda").message


def test_models_losses_and_sgd_step_like_pytorch(tcl):
    tcl("torch::manual_seed 0; set l1 [torch::linear 4 3]; "
        "set l2 [torch::linearLayer -inFeatures 3 -outFeatures 2 -bias false]; "
        "set model [torch::sequential [list $l1 $l2]]")
    model = tcl.interp.store.get(tcl("set model"), "module")
    torch.manual_seed(0)
    ref = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Linear(3, 2, bias=False))
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), ref.parameters(), strict=True))
    assert tcl("llength [torch::layer_parameters $model]") == "3"

    x, y = torch.randn(5, 4), torch.tensor([0, 1, 1, 0, 1])
    hx, hy = tcl.interp.put(x), tcl.interp.put(y)
    tcl("set opt [torch::optimizer_sgd -params [torch::layerParameters -layer $model] -lr 0.1 "
        "-momentum 0.9]")
    opt = torch.optim.SGD(ref.parameters(), lr=0.1, momentum=0.9)
    for _ in range(3):
        tcl(f"torch::optimizer_zero_grad $opt; set out [torch::layer_forward $model {hx}]; "
            f"set loss [torch::cross_entropy_loss $out {hy}]; torch::tensor_backward $loss; "
            f"torch::optimizerStep -opt $opt")
        opt.zero_grad()
        torch.nn.functional.cross_entropy(ref(x), y).backward()
        opt.step()
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), ref.parameters(), strict=True))
    out = tcl.interp.tensor(tcl(f"torch::layerForward -layer $model -input {hx}"))
    mse = tcl.interp.tensor(tcl(f"torch::mse_loss {hx} {hx} sum"))
    assert mse.item() == 0.0 and out.shape == (5, 2)
    unreduced = tcl.interp.tensor(tcl("torch::mseLoss -input $out -target $out -reduction none"))
    assert unreduced.shape == (5, 2)
    assert tcl.error("torch::layer_forward nosuch $out").message == "Invalid layer name"
    assert tcl.error("torch::layer_forward $model nosuch").message == "Invalid input tensor name"
    assert tcl.error("torch::mse_loss -input nosuch -target $out").message \
        == "Invalid input tensor name"
    assert tcl.error("torch::linear 0 3").message == "Invalid in_features: 0 (must be positive)"
    assert tcl.error("torch::optimizer_sgd [torch::layer_parameters $model] -1").message == \
        "Required parameters missing or invalid (parameters and positive learning rate required)"
    assert tcl("torch::optimizer_zero_grad $opt false") == "OK"
    assert tcl("torch::optimizerZeroGrad -optimizer $opt -setToNone true") == "OK"
    assert all(p.grad is None for p in model.parameters())


def test_activations_match_pytorch(tcl):
    x = torch.linspace(-3, 3, 7)
    h = tcl.interp.put(x)
    for script, want in [(f"torch::tensor_relu {h}", torch.relu(x)),
                         (f"torch::tensorSigmoid -input {h}", torch.sigmoid(x)),
                         (f"torch::tensor_tanh -tensor {h}", torch.tanh(x))]:
        assert torch.equal(T(tcl, script), want), script
    assert tcl.error("torch::tensor_relu invalid_tensor").message == "Invalid tensor name"
