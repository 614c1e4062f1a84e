"""The quantization commands against the PyTorch calls they make: quantized results compared
exactly (dtype, shape, scheme, scale and zero point, stored integers), float results by value;
each command in its positional and named syntax and by its camelCase name; fake quantization's
straight-through gradient; the pages' error texts and clean errors for tensors that are not
quantized."""

import pytest
import torch
from conftest import check_case, rnd

# PyTorch 2.13 warns once per process that quantized tensors are deprecated; the commands keep it
# quiet, and here the expected values make quantized tensors too.
pytestmark = pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor:UserWarning")

F64 = torch.float64
QU8, QI8, QI32 = torch.quint8, torch.qint8, torch.qint32


def assert_q(got, want):
    """Equal in every respect: dtype, shape, device, values (these commands are exact), and for
    quantized tensors their scheme, scales, zero points and stored integers."""
    assert got.dtype == want.dtype and got.shape == want.shape and got.device == want.device
    assert got.is_quantized == want.is_quantized
    if not want.is_quantized:
        assert torch.equal(got, want)
        return
    assert got.qscheme() == want.qscheme()
    if want.qscheme() == torch.per_tensor_affine:
        assert (got.q_scale(), got.q_zero_point()) == (want.q_scale(), want.q_zero_point())
    else:
        assert got.q_per_channel_axis() == want.q_per_channel_axis()
        assert torch.equal(got.q_per_channel_scales(), want.q_per_channel_scales())
        assert torch.equal(got.q_per_channel_zero_points(), want.q_per_channel_zero_points())
    assert torch.equal(got.int_repr(), want.int_repr())


def scales(g, n):
    return rnd(g, n).abs() * 0.05 + 0.01


def ints(g, n, lo, hi, dtype=torch.int64):
    return torch.randint(lo, hi, (n,), generator=g, dtype=dtype)


def qt(g, *shape, scale=0.05, zero_point=128, dtype=QU8):
    return torch.quantize_per_tensor(rnd(g, *shape), scale, zero_point, dtype)


def qc(g, *shape, axis=1, dtype=QI8):
    n = shape[axis]
    return torch.quantize_per_channel(rnd(g, *shape), scales(g, n), ints(g, n, -5, 5), axis,
                                      dtype)


# (id, inputs (a function of a seeded generator), scripts that must all give `expected`,
#  expected (a function of the inputs), differentiable)
CASES = [
    # --- quantize_per_tensor
    ("quantize_per_tensor", lambda g: {"x": rnd(g, 2, 3, 4)},
     ["torch::quantize_per_tensor $x 0.05 128 quint8",
      "torch::quantize_per_tensor -input $x -scale 0.05 -zeroPoint 128 -dtype quint8",
      "torch::quantizePerTensor $x 0.05 128 torch.quint8",
      "torch::quantizePerTensor -dtype QUInt8 -zero_point 128 -scale 0.05 -input $x",
      "torch::quantize_per_tensor $x 0.05 128 uint8"],
     lambda x: torch.quantize_per_tensor(x, 0.05, 128, QU8), False),
    ("quantize_per_tensor-qint8-transposed", lambda g: {"x": rnd(g, 4, 3).mT},
     ["torch::quantize_per_tensor $x 0.02 -3 qint8", "torch::quantize_per_tensor $x 0.02 -3 int8"],
     lambda x: torch.quantize_per_tensor(x, 0.02, -3, QI8), False),
    ("quantize_per_tensor-qint32", lambda g: {"x": 100 * rnd(g, 5)},
     ["torch::quantize_per_tensor $x 0.001 7 qint32"],
     lambda x: torch.quantize_per_tensor(x, 0.001, 7, QI32), False),
    ("quantize_per_tensor-empty", lambda g: {"x": torch.zeros(0, 3)},
     ["torch::quantize_per_tensor $x 0.1 0 quint8"],
     lambda x: torch.quantize_per_tensor(x, 0.1, 0, QU8), False),
    # --- quantize_per_channel
    ("quantize_per_channel",
     lambda g: {"x": rnd(g, 2, 3, 4), "s": scales(g, 3), "z": ints(g, 3, -10, 10)},
     ["torch::quantize_per_channel $x $s $z 1 qint8",
      "torch::quantize_per_channel -input $x -scales $s -zeroPoints $z -axis 1 -dtype qint8",
      "torch::quantizePerChannel $x $s $z 1 qint8",
      "torch::quantizePerChannel -input $x -scales $s -zero_points $z -axis 1 -dtype qint8"],
     lambda x, s, z: torch.quantize_per_channel(x, s, z, 1, QI8), False),
    ("quantize_per_channel-axis0-int32-zero-points",
     lambda g: {"x": rnd(g, 5, 3).mT, "s": scales(g, 3).double(),
                "z": ints(g, 3, 0, 255, torch.int32)},
     ["torch::quantize_per_channel $x $s $z 0 quint8"],
     lambda x, s, z: torch.quantize_per_channel(x, s, z, 0, QU8), False),
    # --- dequantize
    ("dequantize", lambda g: {"q": qt(g, 3, 4)},
     ["torch::dequantize $q", "torch::dequantize -input $q", "torch::deQuantize $q",
      "torch::deQuantize -input $q"], lambda q: q.dequantize(), False),
    ("dequantize-per-channel", lambda g: {"q": qc(g, 2, 3, 2)},
     ["torch::dequantize $q"], lambda q: q.dequantize(), False),
    ("dequantize-qint32-transposed", lambda g: {"q": qt(g, 4, 2, dtype=QI32, zero_point=3).mT},
     ["torch::dequantize $q"], lambda q: q.dequantize(), False),
    # PyTorch's dequantize gives a float tensor back as it is
    ("dequantize-float", lambda g: {"x": rnd(g, 3, dtype=F64)}, ["torch::dequantize $x"],
     lambda x: x.dequantize(), False),
    # --- int_repr
    ("int_repr", lambda g: {"q": qt(g, 2, 5)},
     ["torch::int_repr $q", "torch::int_repr -input $q", "torch::int_repr -tensor $q",
      "torch::intRepr -input $q", "torch::intRepr -tensor $q"], lambda q: q.int_repr(), False),
    ("int_repr-qint8-per-channel", lambda g: {"q": qc(g, 3, 4, axis=0)},
     ["torch::int_repr $q"], lambda q: q.int_repr(), False),
    ("int_repr-qint32", lambda g: {"q": qt(g, 3, dtype=QI32, scale=0.0001, zero_point=-9)},
     ["torch::int_repr $q"], lambda q: q.int_repr(), False),
    # --- per-channel parameters (tensors)
    ("q_per_channel_scales", lambda g: {"q": qc(g, 2, 4)},
     ["torch::q_per_channel_scales $q", "torch::qPerChannelScales $q",
      "torch::q_per_channel_scales -input $q"], lambda q: q.q_per_channel_scales(), False),
    ("q_per_channel_zero_points", lambda g: {"q": qc(g, 3, 2, axis=0)},
     ["torch::q_per_channel_zero_points $q", "torch::qPerChannelZeroPoints $q",
      "torch::q_per_channel_zero_points -input $q"],
     lambda q: q.q_per_channel_zero_points(), False),
    # --- fake quantization
    ("fake_quantize_per_tensor", lambda g: {"x": rnd(g, 2, 3)},
     ["torch::fake_quantize_per_tensor $x 0.1 3",
      "torch::fake_quantize_per_tensor $x 0.1 3 -128 127",
      "torch::fake_quantize_per_tensor -input $x -scale 0.1 -zero_point 3",
      "torch::fakeQuantizePerTensor -input $x -scale 0.1 -zeroPoint 3 -quantMin -128 "
      "-quantMax 127"],
     lambda x: torch.fake_quantize_per_tensor_affine(x, 0.1, 3, -128, 127), True),
    ("fake_quantize_per_tensor-uint8-range", lambda g: {"x": rnd(g, 4, 3, dtype=F64).mT},
     ["torch::fake_quantize_per_tensor $x 0.02 100 0 255",
      "torch::fake_quantize_per_tensor -input $x -scale 0.02 -zero_point 100 -quant_min 0 "
      "-quant_max 255"],
     lambda x: torch.fake_quantize_per_tensor_affine(x, 0.02, 100, 0, 255), True),
    ("fake_quantize_per_tensor-narrow", lambda g: {"x": rnd(g, 6)},
     ["torch::fake_quantize_per_tensor $x 0.5 0 -1 1"],
     lambda x: torch.fake_quantize_per_tensor_affine(x, 0.5, 0, -1, 1), True),
    ("fake_quantize_per_tensor-empty", lambda g: {"x": torch.zeros(0, 2)},
     ["torch::fake_quantize_per_tensor $x 0.5 0"],
     lambda x: torch.fake_quantize_per_tensor_affine(x, 0.5, 0, -128, 127), False),
    ("fake_quantize_per_channel",
     lambda g: {"x": rnd(g, 2, 3), "s": scales(g, 3), "z": ints(g, 3, -5, 5, torch.int32)},
     ["torch::fake_quantize_per_channel $x $s $z 1",
      "torch::fake_quantize_per_channel $x $s $z 1 -128 127",
      "torch::fake_quantize_per_channel -input $x -scales $s -zero_points $z -axis 1",
      "torch::fakeQuantizePerChannel -input $x -scales $s -zeroPoints $z -axis 1 "
      "-quantMin -128 -quantMax 127"],
     lambda x, s, z: torch.fake_quantize_per_channel_affine(x, s, z, 1, -128, 127), True),
    ("fake_quantize_per_channel-axis0-uint8",
     lambda g: {"x": rnd(g, 3, 4, 2).transpose(0, 1), "s": scales(g, 4),
                "z": ints(g, 4, 0, 255, torch.int32)},
     ["torch::fake_quantize_per_channel $x $s $z 0 0 255",
      "torch::fake_quantize_per_channel -axis 0 -quant_max 255 -quant_min 0 -input $x "
      "-scales $s -zero_points $z"],
     lambda x, s, z: torch.fake_quantize_per_channel_affine(x, s, z, 0, 0, 255), True),
    # --- quantized arithmetic on quantized tensors
    ("quantized_add", lambda g: {"a": qt(g, 4, 5), "b": qt(g, 4, 5, scale=0.03, zero_point=100)},
     ["torch::quantized_add $a $b 0.1 120",
      "torch::quantized_add $a $b 0.1 120 1.0",
      "torch::quantized_add -tensor1 $a -tensor2 $b -scale 0.1 -zeroPoint 120",
      "torch::quantizedAdd -scale 0.1 -tensor2 $b -zero_point 120 -tensor1 $a"],
     lambda a, b: torch.ops.quantized.add(a, b, 0.1, 120), False),
    ("quantized_add-alpha-broadcast", lambda g: {"a": qt(g, 3, 4), "b": qt(g, 4, scale=0.02)},
     ["torch::quantized_add $a $b 0.2 128 2.0",
      "torch::quantized_add -tensor1 $a -tensor2 $b -scale 0.2 -zeroPoint 128 -alpha 2.0"],
     lambda a, b: torch.ops.quantized.add(a, torch.ops.quantized.mul(b, 2.0), 0.2, 128), False),
    ("quantized_add-negative-alpha-qint8",
     lambda g: {"a": qt(g, 2, 3, dtype=QI8, zero_point=2), "b": qt(g, 2, 3, dtype=QI8,
                                                                   zero_point=-1)},
     ["torch::quantized_add $a $b 0.1 0 -0.5"],
     lambda a, b: torch.ops.quantized.add(a, torch.ops.quantized.mul(b, -0.5), 0.1, 0), False),
    ("quantized_mul", lambda g: {"a": qt(g, 3, 4), "b": qt(g, 3, 4, scale=0.04, zero_point=90)},
     ["torch::quantized_mul $a $b 0.05 64",
      "torch::quantized_mul -tensor1 $a -tensor2 $b -scale 0.05 -zeroPoint 64",
      "torch::quantizedMul -zeroPoint 64 -scale 0.05 -tensor2 $b -tensor1 $a"],
     lambda a, b: torch.ops.quantized.mul(a, b, 0.05, 64), False),
    ("quantized_mul-broadcast-transposed", lambda g: {"a": qt(g, 5, 3).mT, "b": qt(g, 3, 1)},
     ["torch::quantized_mul $a $b 0.01 128"],
     lambda a, b: torch.ops.quantized.mul(a, b, 0.01, 128), False),
    # --- on float tensors, as the pages call them: the float result, quantized (quint8)
    ("quantized_add-float", lambda g: {"a": rnd(g, 4, 5), "b": rnd(g, 5)},
     ["torch::quantized_add $a $b 0.05 128 1.5",
      "torch::quantizedAdd -tensor1 $a -tensor2 $b -scale 0.05 -zeroPoint 128 -alpha 1.5"],
     lambda a, b: torch.quantize_per_tensor(torch.add(a, b, alpha=1.5), 0.05, 128, QU8), False),
    ("quantized_mul-float", lambda g: {"a": rnd(g, 2, 3), "b": rnd(g, 3, 2).mT},
     ["torch::quantized_mul $a $b 0.1 64",
      "torch::quantized_mul -tensor1 $a -tensor2 $b -scale 0.1 -zeroPoint 64"],
     lambda a, b: torch.quantize_per_tensor(a * b, 0.1, 64, QU8), False),
    # --- quantized_relu
    ("quantized_relu", lambda g: {"q": qt(g, 3, 4)},
     ["torch::quantized_relu $q", "torch::quantized_relu -input $q", "torch::quantizedRelu $q",
      "torch::quantizedRelu -input $q"], lambda q: torch.relu(q), False),
    ("quantized_relu-qint8-transposed", lambda g: {"q": qt(g, 4, 2, dtype=QI8, zero_point=5).mT},
     ["torch::quantized_relu $q"], lambda q: torch.relu(q), False),
    ("quantized_relu-qint32", lambda g: {"q": qt(g, 6, dtype=QI32, zero_point=-20)},
     ["torch::quantized_relu $q"], lambda q: torch.relu(q), False),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(shared, case):
    check_case(shared, case, same=assert_q)


GRAD_CASES = [c for c in CASES if c[4]]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_straight_through_gradient(shared, case):
    """Fake quantization is differentiable: the gradient is PyTorch's straight-through one (1
    where the input was not clamped, 0 where it was)."""
    tcl = shared
    _, make, scripts, expected, _ = case
    inputs = make(torch.Generator().manual_seed(11))
    x = inputs["x"]
    leaf, twin = (x.detach().clone().requires_grad_() for _ in range(2))
    tcl.load({**inputs, "x": leaf})
    got = tcl.interp.tensor(tcl(scripts[0]))
    assert got.grad_fn is not None
    got.sum().backward()
    expected(**{**inputs, "x": twin}).sum().backward()
    assert torch.equal(leaf.grad, twin.grad)


def test_gradient_is_zero_where_clamped(tcl):
    x = torch.tensor([-100.0, 0.3, 100.0], requires_grad=True)
    tcl(f"set x {tcl.interp.put(x)}")
    tcl.interp.tensor(tcl("torch::fake_quantize_per_tensor $x 0.1 0")).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]


# (script making $q, command, the value the result must read as)
SCALARS = [
    ("torch::q_scale $q", lambda q: q.q_scale(), float),
    ("torch::qScale $q", lambda q: q.q_scale(), float),
    ("torch::q_scale -input $q", lambda q: q.q_scale(), float),
    ("torch::q_zero_point $q", lambda q: q.q_zero_point(), int),
    ("torch::qZeroPoint -input $q", lambda q: q.q_zero_point(), int),
]


@pytest.mark.parametrize("dtype, scale, zero_point", [(QU8, 0.05, 200), (QI8, 0.125, -7),
                                                      (QI32, 1e-4, 12345)])
@pytest.mark.parametrize("script, want, read", SCALARS, ids=[s[0] for s in SCALARS])
def test_per_tensor_parameters(shared, dtype, scale, zero_point, script, want, read):
    q = torch.quantize_per_tensor(rnd(3, 2, 2), scale, zero_point, dtype)
    shared(f"set q {shared.interp.put(q)}")
    got = shared(script)
    assert read(got) == want(q) and want(q) in (scale, zero_point)


@pytest.mark.parametrize("script", ["torch::q_per_channel_axis $q", "torch::qPerChannelAxis $q",
                                    "torch::q_per_channel_axis -input $q"])
@pytest.mark.parametrize("axis", [0, 1, 2])
def test_per_channel_axis(shared, script, axis):
    q = qc(torch.Generator().manual_seed(axis), 2, 3, 4, axis=axis)
    shared(f"set q {shared.interp.put(q)}")
    assert shared(script) == str(axis) == str(q.q_per_channel_axis())


def test_results_are_meaningful(shared):
    """Values worked out by hand, so the comparisons above cannot agree on nonsense."""
    tcl = shared
    tcl("set x [torch::tensor_create {-1.0 0.0 1.0 2.0}]")
    tcl("set q [torch::quantize_per_tensor $x 0.5 128 quint8]")
    assert tcl.interp.tensor(tcl("torch::int_repr $q")).tolist() == [126, 128, 130, 132]
    assert tcl.interp.tensor(tcl("torch::dequantize $q")).tolist() == [-1.0, 0.0, 1.0, 2.0]
    assert tcl.interp.tensor(tcl("torch::int_repr [torch::quantized_relu $q]")).tolist() == \
        [128, 128, 130, 132]
    assert tcl("torch::q_scale $q") == "0.5" and tcl("torch::q_zero_point $q") == "128"
    assert tcl("torch::tensor_shape [torch::quantize_per_tensor [torch::ones {2 3}] 0.1 0 "
               "qint8]") == "2 3"
    # 1.26 / 0.5 rounds to 3 -> 1.5; 0.1234 / 0.01 rounds to 12 -> 0.12
    tcl("set y [torch::tensor_create {1.26 0.1234}]")
    got = tcl.interp.tensor(tcl("torch::fake_quantize_per_channel $y "
                                "[torch::tensor_create {0.5 0.01}] "
                                "[torch::tensor_create -data {0 0} -dtype int32] 0"))
    assert got.tolist() == pytest.approx([1.5, 0.12])
    # quantized 1 + 2 * 3 = 7, stored in steps of 0.5 from 0: the integer 14
    tcl("set a [torch::quantize_per_tensor [torch::tensor_create {1.0}] 0.1 0 quint8]")
    tcl("set b [torch::quantize_per_tensor [torch::tensor_create {3.0}] 0.1 0 quint8]")
    assert tcl.interp.tensor(tcl("torch::int_repr [torch::quantized_add $a $b 0.5 0 2]"))\
        .tolist() == [14]
    assert tcl.interp.tensor(tcl("torch::int_repr [torch::quantized_mul $a $b 0.5 0]"))\
        .tolist() == [6]


# The pages' error texts, and clean errors for what PyTorch refuses.
ERRORS = [
    # dequantize.md
    ("torch::dequantize invalid_tensor", "Invalid quantized tensor"),
    ("torch::dequantize", "Usage: torch::dequantize quantized_tensor"),
    ("torch::dequantize -wrong_param $q", "Unknown parameter: -wrong_param"),
    ("torch::dequantize -input", "Missing value for parameter"),
    # int_repr.md
    ("torch::int_repr", "Required parameters missing: input quantized tensor required"),
    ("torch::int_repr invalid_tensor", "Invalid quantized tensor: invalid_tensor"),
    ("torch::int_repr -input $q -unknown_param value", "Unknown parameter: -unknown_param"),
    ("torch::int_repr -input", "Named parameters must come in pairs"),
    # quantized_relu.md
    ("torch::quantized_relu",
     "Usage: torch::quantized_relu quantized_tensor\n   or: torch::quantized_relu -input TENSOR"),
    ("torch::quantized_relu invalid_handle", "Invalid quantized tensor"),
    ("torch::quantized_relu -invalid_param $q", "Unknown parameter: -invalid_param"),
    # tensors that are not quantized, or quantized the other way
    ("torch::int_repr $x", "Expected a quantized tensor, got a Float32 tensor"),
    ("torch::q_scale $x", "Expected a quantized tensor, got a Float32 tensor"),
    ("torch::q_zero_point $x", "Expected a quantized tensor, got a Float32 tensor"),
    ("torch::q_per_channel_axis $x", "Expected a quantized tensor, got a Float32 tensor"),
    ("torch::quantized_relu $x", "Expected a quantized tensor, got a Float32 tensor"),
    ("torch::q_scale $c", "Expected a per-tensor quantized tensor, got a per_channel_affine one"),
    ("torch::q_zero_point $c",
     "Expected a per-tensor quantized tensor, got a per_channel_affine one"),
    ("torch::q_per_channel_axis $q",
     "Expected a per-channel quantized tensor, got a per_tensor_affine one"),
    ("torch::q_per_channel_scales $q",
     "Expected a per-channel quantized tensor, got a per_tensor_affine one"),
    ("torch::q_per_channel_zero_points $q",
     "Expected a per-channel quantized tensor, got a per_tensor_affine one"),
    ("torch::quantized_add $q $x 0.1 0",
     "tensor1 and tensor2 must both be quantized or both be float tensors"),
    ("torch::quantized_mul $x $q 0.1 0",
     "tensor1 and tensor2 must both be quantized or both be float tensors"),
    # what PyTorch refuses, in its words
    ("torch::quantized_add $c $c 0.1 0", "Only per tensor quantization is supported in Add."),
    ("torch::quantize_per_tensor $x 0.1 128 qint8",
     "quantize_tensor_per_tensor_affine zero_point 128 is above upper bound."),
    ("torch::fake_quantize_per_tensor $x 0.1 300",
     "`zero_point` must be between `quant_min` and `quant_max`."),
    # parameters
    ("torch::quantize_per_tensor $x 0.1 0 float32",
     "Invalid quantized dtype: float32 (must be quint8, qint8 or qint32)"),
    ("torch::quantize_per_tensor $x 0.1 0", "Required parameter missing: dtype"),
    ("torch::quantize_per_tensor $x abc 0 quint8", 'expected floating-point number but got "abc"'),
    ("torch::quantize_per_channel $x $s $z 1.5 qint8", 'expected integer but got "1.5"'),
    ("torch::fake_quantize_per_channel $x $s $z", "Required parameter missing: axis"),
    ("torch::quantized_add -tensor1 $q -tensor2 $q -scale 0.1",
     "Required parameter missing: zero_point"),
    ("torch::quantized_mul $q $q 0.1 0 1.0", "Usage: torch::quantized_mul tensor1 tensor2 scale "
                                             "zero_point"),
]


@pytest.mark.parametrize("script, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(shared, script, message):
    g = torch.Generator().manual_seed(5)
    shared.load({"x": rnd(g, 2, 3), "q": qt(g, 2, 3), "c": qc(g, 2, 3),
                 "s": scales(g, 3), "z": ints(g, 3, -2, 2)})
    error = shared.error(script)
    assert message in error.message
    assert "Could not run" not in error.message and "frame #" not in error.message


def test_float_zero_points_with_qint32_are_an_error_not_a_crash(shared):
    """PyTorch's float-qparams scheme has no qint32 kernel: torch 2.13 stops the process on it.
    Found by tests/test_fast_path_agrees.py."""
    shared("set x [torch::tensor_create {1.5 -2.0 3.0}]; set s [torch::tensor_create {0.5 1 2}]")
    assert shared.error("torch::quantize_per_channel $x $s $x 0 qint32").message == (
        "qint32 takes integer zero_points: floating-point ones (the float-qparams scheme) work "
        "with quint8 and qint8 only")
    shared("set z [torch::tensor_create {0 1 2} int64]")
    q = shared.interp.tensor(shared("torch::quantize_per_channel $x $s $z 0 qint32"))
    assert q.int_repr().tolist() == [3, -1, 4]
    for dtype in ("quint8", "qint8"):
        shared(f"torch::quantize_per_channel $x $s $x 0 {dtype}")
