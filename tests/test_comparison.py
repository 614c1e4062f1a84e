"""The comparison family against PyTorch: comparisons, logical and bitwise operations, the
isnan/isinf/isfinite tests, isclose/allclose, tensor_where and tensor_masked_fill."""

import zlib

import pytest
import torch
from conftest import Session

from torchtcl_kernel.core.registry import REGISTRY, camel


@pytest.fixture(scope="module")
def tcl():
    """One interpreter for the module: these commands keep no state between calls."""
    return Session()


def T(tcl, script):
    return tcl.interp.tensor(tcl(script))


def same(got, want):
    assert got.dtype == want.dtype
    assert got.shape == want.shape
    assert torch.equal(got, want)


def _rand(g, shape, dtype):
    """Small values, so that comparisons meet equal elements and logical ops meet zeros."""
    if dtype == torch.bool:
        return torch.randint(0, 2, shape, generator=g).bool()
    if dtype == torch.uint8:
        return torch.randint(0, 200, shape, generator=g, dtype=dtype)
    t = torch.randint(-3, 4, shape, generator=g)
    return (t * 0.5).to(dtype) if dtype.is_floating_point else t.to(dtype)


# Operand shapes: equal, broadcasting (with a size-1 and a missing dim), empty, non-contiguous.
SHAPES = {
    "same": ((3, 4), (3, 4), False),
    "broadcast": ((2, 1, 4), (3, 1), False),
    "empty": ((0, 3), (3,), False),
    "noncontiguous": ((4, 3), (3, 4), True),     # the first operand is a transposed view
}

# name, torch op, named options of the page, dtypes
BINARY = [
    *[(n, getattr(torch, n), ("-input1", "-input2"), (torch.float32, torch.int64))
      for n in ("eq", "ne", "lt", "le", "gt", "ge")],
    *[(n, getattr(torch, n), ("-tensor1", "-tensor2"), (torch.float64, torch.int32, torch.bool))
      for n in ("logical_and", "logical_or", "logical_xor")],
    *[(n, getattr(torch, n), ("-input", "-other"), (torch.int32, torch.uint8, torch.bool))
      for n in ("bitwise_and", "bitwise_or", "bitwise_xor")],
    *[(n, getattr(torch, n), ("-tensor1", "-tensor2"), (torch.int64, torch.int16))
      for n in ("bitwise_left_shift", "bitwise_right_shift")],
]
SYNTAXES = ["positional", "named", "camel"]


def _call(name, options, syntax, a, b):
    if syntax == "positional":
        return f"torch::{name} {a} {b}"
    cmd = camel(name) if syntax == "camel" else name
    return f"torch::{cmd} {options[0]} {a} {options[1]} {b}"


def _operands(g, name, shape, dtype):
    sa, sb, transposed = SHAPES[shape]
    a, b = _rand(g, sa, dtype), _rand(g, sb, dtype)
    if "shift" in name:
        b = torch.randint(0, 5, sb, generator=g, dtype=dtype)     # shift counts within the type
        a = a.abs()
    if transposed:
        a = a.t()
        assert not a.is_contiguous()
    return a, b


@pytest.mark.parametrize("name, op, options, dtypes", BINARY, ids=[r[0] for r in BINARY])
@pytest.mark.parametrize("shape", list(SHAPES))
def test_binary_matches_pytorch(tcl, name, op, options, dtypes, shape):
    g = torch.Generator().manual_seed(zlib.crc32(f"{name} {shape}".encode()))
    for i, dtype in enumerate(dtypes):
        a, b = _operands(g, name, shape, dtype)
        syntax = SYNTAXES[i % 3] if shape == "same" else "positional"
        got = T(tcl, _call(name, options, syntax, tcl.interp.put(a), tcl.interp.put(b)))
        same(got, op(a, b))


@pytest.mark.parametrize("name, op, options, dtypes", BINARY, ids=[r[0] for r in BINARY])
def test_binary_syntaxes_agree(tcl, name, op, options, dtypes):
    a, b = _operands(torch.Generator().manual_seed(3), name, "broadcast", dtypes[0])
    ha, hb = tcl.interp.put(a), tcl.interp.put(b)
    want = op(a, b)
    for syntax in SYNTAXES:
        same(T(tcl, _call(name, options, syntax, ha, hb)), want)
    # each option alias of the page, mixed with the other spelling
    cmd = REGISTRY[name]
    for first in cmd.params[0].option_names():
        same(T(tcl, f"torch::{name} {first} {ha} {cmd.params[1].option} {hb}"), want)


# Comparisons and bitwise operations take a number as the second operand, as PyTorch does.
@pytest.mark.parametrize("name, number, dtype", [
    ("eq", "1", torch.int64), ("ne", "0.5", torch.float32), ("lt", "-1.5", torch.float32),
    ("le", "-1", torch.float64), ("gt", "0", torch.int32), ("ge", "1e0", torch.float32),
    ("bitwise_and", "3", torch.int64), ("bitwise_or", "4", torch.uint8),
    ("bitwise_xor", "0x5", torch.int16), ("bitwise_left_shift", "2", torch.int32),
    ("bitwise_right_shift", "1", torch.int64),
])
def test_number_as_second_operand(tcl, name, number, dtype):
    a = _rand(torch.Generator().manual_seed(5), (2, 5), dtype)
    value = float(number) if "." in number or "e" in number else int(number, 0)
    got = T(tcl, f"torch::{name} {tcl.interp.put(a)} {number}")
    same(got, getattr(torch, name)(a, value))


def test_comparison_results_are_bool_whatever_the_operands(tcl):
    a = torch.tensor([1, 2, 3], dtype=torch.int8)
    b = torch.tensor([2.5, 2.0, 0.5], dtype=torch.float64)
    for name in ("eq", "ne", "lt", "le", "gt", "ge", "logical_and", "logical_or", "logical_xor"):
        got = T(tcl, f"torch::{name} {tcl.interp.put(a)} {tcl.interp.put(b)}")
        assert got.dtype == torch.bool
        same(got, getattr(torch, name)(a, b))
    assert tcl(f"torch::tensor_dtype [torch::Lt {tcl.interp.put(a)} 2]") == "Bool"


def test_bitwise_promotes_like_pytorch(tcl):
    a = torch.tensor([5, 6, 7], dtype=torch.uint8)
    b = torch.tensor([3, 1, 2], dtype=torch.int32)
    same(T(tcl, f"torch::bitwiseAnd {tcl.interp.put(a)} {tcl.interp.put(b)}"),
         torch.bitwise_and(a, b))
    assert "not implemented for 'Float'" in tcl.error(
        f"torch::bitwise_or {tcl.interp.put(torch.ones(2))} 1").message


# --- unary ---------------------------------------------------------------------------------------
def _specials(dtype):
    g = torch.Generator().manual_seed(11)
    if dtype.is_floating_point:
        t = torch.randn(4, 5, generator=g).to(dtype)
        t[0, 1], t[1, 2], t[2, 3], t[3, 0] = float("nan"), float("inf"), -float("inf"), 0.0
        return t
    return _rand(g, (4, 5), dtype)


UNARY = [("isnan", "isNan", (torch.float32, torch.float64, torch.int64)),
         ("isinf", "isInf", (torch.float32, torch.float16, torch.int32)),
         ("isfinite", "isFinite", (torch.float64, torch.bfloat16, torch.bool)),
         ("logical_not", "logicalNot", (torch.float32, torch.int64, torch.bool)),
         ("bitwise_not", "bitwiseNot", (torch.int32, torch.uint8, torch.bool))]


@pytest.mark.parametrize("name, alias, dtypes", UNARY, ids=[u[0] for u in UNARY])
def test_unary_matches_pytorch(tcl, name, alias, dtypes):
    op = getattr(torch, name)
    for dtype in dtypes:
        t = _specials(dtype)
        for view in (t, t.t(), t[:0]):              # contiguous, transposed, empty
            h = tcl.interp.put(view)
            for script in (f"torch::{name} {h}", f"torch::{name} -input {h}",
                           f"torch::{alias} -tensor {h}", f"torch::{camel(name)} {h}"):
                same(T(tcl, script), op(view))


# --- isclose / allclose --------------------------------------------------------------------------
def _near_pair():
    g = torch.Generator().manual_seed(17)
    a = torch.randn(3, 4, generator=g, dtype=torch.float64)
    b = a + torch.randn(3, 4, generator=g, dtype=torch.float64) * 1e-3
    a[0, 0] = b[0, 0] = float("nan")
    return a, b


@pytest.mark.parametrize("args, kw", [
    ("", {}),
    ("1e-2", {"rtol": 1e-2}),
    ("1e-3 1e-3", {"rtol": 1e-3, "atol": 1e-3}),
    ("0.01 0.0 1", {"rtol": 0.01, "atol": 0.0, "equal_nan": True}),
    ("-rtol 1e-2 -atol 1e-4", {"rtol": 1e-2, "atol": 1e-4}),
    ("-relativeTolerance 0.05 -absoluteTolerance 0 -equalNan true",
     {"rtol": 0.05, "atol": 0.0, "equal_nan": True}),
    ("-relative_tolerance 0.002 -equal_nan yes", {"rtol": 0.002, "equal_nan": True}),
])
def test_isclose_and_allclose_match_pytorch(tcl, args, kw):
    a, b = _near_pair()
    ha, hb = tcl.interp.put(a), tcl.interp.put(b)
    for name in ("isclose", "isClose"):
        for operands in (f"{ha} {hb}", f"-input {ha} -other {hb}", f"-tensor1 {ha} -tensor2 {hb}"):
            if not args.startswith("-") and operands.startswith("-"):
                continue          # positional tolerances follow positional operands only
            same(T(tcl, f"torch::{name} {operands} {args}"), torch.isclose(a, b, **kw))
    assert tcl(f"torch::allclose {ha} {hb} {args}") == ("1" if torch.allclose(a, b, **kw)
                                                         else "0")


def test_isclose_broadcasts_and_allclose_answers_1_or_0(tcl):
    a = torch.tensor([[1.0], [2.0]])
    b = torch.tensor([1.0, 1.0 + 1e-7, 2.0])
    same(T(tcl, f"torch::isclose {tcl.interp.put(a)} {tcl.interp.put(b)}"), torch.isclose(a, b))
    x = tcl.interp.put(torch.tensor([1.0, 2.0]))
    y = tcl.interp.put(torch.tensor([1.0, 2.0 + 1e-4]))
    assert tcl(f"torch::allclose {x} {y}") == "0"
    assert tcl(f"torch::allclose -input {x} -other {y} -atol 1e-3") == "1"
    assert tcl(f"torch::allclose -tensor1 {x} -tensor2 {x}") == "1"
    empty = tcl.interp.put(torch.ones(0, 2))
    assert tcl(f"torch::allclose {empty} {empty}") == "1"
    assert "rtol must be greater than or equal to zero" in tcl.error(
        f"torch::isclose {x} {y} -1").message


# --- tensor_where --------------------------------------------------------------------------------
def test_tensor_where_matches_pytorch(tcl):
    g = torch.Generator().manual_seed(23)
    cond = torch.rand(3, 1, 4, generator=g) > 0.5
    x = torch.randn(2, 4, generator=g)                 # (2, 4) broadcasts against (3, 1, 4)
    y = torch.randn(3, 1, 1, generator=g, dtype=torch.float64)
    hc, hx, hy = (tcl.interp.put(t) for t in (cond, x, y))
    want = torch.where(cond, x, y)
    for script in (f"torch::tensor_where {hc} {hx} {hy}",
                   f"torch::tensor_where -condition {hc} -x {hx} -y {hy}",
                   f"torch::tensorWhere -y {hy} -condition {hc} -x {hx}"):
        same(T(tcl, script), want)
    xt = torch.randn(4, 3, generator=g).t()
    same(T(tcl, f"torch::tensor_where {hc} {tcl.interp.put(xt)} 0"), torch.where(cond, xt, 0))
    same(T(tcl, f"torch::tensor_where {hc} 1 -2"), torch.where(cond, 1, -2))
    same(T(tcl, f"torch::tensor_where {hc} 0.5 {hy}"), torch.where(cond, 0.5, y))
    e = torch.zeros(0, 4, dtype=torch.bool)
    same(T(tcl, f"torch::tensor_where {tcl.interp.put(e)} {hy} 1"), torch.where(e, y, 1))


def test_tensor_where_with_the_condition_alone_gives_the_indices(tcl):
    cond = torch.tensor([[True, False, True], [False, True, False]])
    handles = tcl(f"torch::tensor_where {tcl.interp.put(cond)}").split()
    want = torch.where(cond)
    assert len(handles) == len(want) == 2
    for h, w in zip(handles, want, strict=True):
        same(tcl.interp.tensor(h), w)


def test_tensor_where_is_differentiable(tcl):
    x = torch.randn(3, requires_grad=True)
    cond = torch.tensor([True, False, True])
    got = T(tcl, f"torch::tensor_where {tcl.interp.put(cond)} {tcl.interp.put(x)} 0.0")
    assert got.grad_fn is not None
    got.sum().backward()
    assert torch.equal(x.grad, cond.float())


# --- tensor_masked_fill --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype, value", [(torch.float32, "-1.5"), (torch.int64, "7"),
                                          (torch.float64, "-inf"), (torch.bool, "1")])
def test_masked_fill_matches_pytorch(tcl, dtype, value):
    g = torch.Generator().manual_seed(29)
    t = _rand(g, (4, 3), dtype)
    mask = torch.rand(3, generator=g) > 0.5              # broadcast along the rows
    v = float(value) if dtype.is_floating_point else int(value)
    want = t.masked_fill(mask, v)
    ht, hm = tcl.interp.put(t), tcl.interp.put(mask)
    for script in (f"torch::tensor_masked_fill {ht} {hm} {value}",
                   f"torch::tensor_masked_fill -tensor {ht} -mask {hm} -value {value}",
                   f"torch::tensorMaskedFill -mask {hm} -value {value} -input {ht}"):
        same(T(tcl, script), want)
    assert torch.equal(t, tcl.interp.tensor(ht))               # not in place
    tt = t.t()
    mt = torch.rand(4, generator=g) > 0.5
    same(T(tcl, f"torch::tensor_masked_fill {tcl.interp.put(tt)} {tcl.interp.put(mt)} {value}"),
         tt.masked_fill(mt, v))
    e = t[:0]
    same(T(tcl, f"torch::tensor_masked_fill {tcl.interp.put(e)} {hm} {value}"),
         e.masked_fill(mask, v))


def test_masked_fill_is_differentiable(tcl):
    x = torch.randn(2, 3, requires_grad=True)
    mask = torch.tensor([[True, False, False], [False, False, True]])
    got = T(tcl, f"torch::tensor_masked_fill {tcl.interp.put(x)} {tcl.interp.put(mask)} 0")
    assert got.grad_fn is not None
    got.sum().backward()
    assert torch.equal(x.grad, (~mask).float())


# --- the pages' error texts ----------------------------------------------------------------------
@pytest.mark.parametrize("script, message", [
    ("torch::eq", "Usage: torch::eq tensor1 tensor2 | torch::eq -input1 tensor1 -input2 tensor2"),
    ("torch::gt $a",
     "Usage: torch::gt tensor1 tensor2 | torch::gt -input1 tensor1 -input2 tensor2"),
    ("torch::eq invalid_tensor $a", "Invalid tensor name for input1"),
    ("torch::ne $a invalid_tensor", "Invalid tensor name for input2"),
    ("torch::eq -input1 $a -input2", "Missing value for parameter -input2"),
    ("torch::eq -input1 $a -unknown_param $a",
     "Unknown parameter: -unknown_param. Valid parameters are: -input1/-tensor1, -input2/-tensor2"),
    ("torch::gt -unknown $a -input2 $a",
     "Unknown parameter: -unknown. Valid parameters are: -input1, -tensor1, -input2, -tensor2"),
    ("torch::logical_and -input1 $a", "Required parameters missing: -input2"),
    ("torch::logical_and -invalid $a -input2 $a", "Unknown parameter: -invalid"),
    ("torch::logical_and $a", "Required parameters missing: -input2"),
    ("torch::logical_and", "Required parameters missing: -input1"),
    ("torch::logical_and $a $a $a", "Wrong number of arguments"),
    ("torch::logical_or", "Wrong number of arguments"),
    ("torch::logical_xor invalid_handle $a", "Invalid tensor handle"),
    ("torch::logical_or -input1 $a -input2", "Named parameter requires a value"),
    ("torch::logical_xor -input1 $a", "Missing input2 parameter"),
    ("torch::logical_not", "Wrong number of arguments"),
    ("torch::logical_not invalid_handle", "Invalid tensor handle"),
    ("torch::logical_not -input", "Named parameter requires a value"),
    ("torch::logical_or $a 1", "Invalid tensor handle"),
    ("torch::bitwise_and -input $a",
     "Required parameters missing: input and other tensors required"),
    ("torch::bitwise_or -input invalid -other $a", "Invalid first tensor name"),
    ("torch::bitwise_left_shift -input $a -other invalid", "Invalid second tensor name"),
    ("torch::bitwise_xor -input $a -unknown $a", "Unknown parameter: -unknown"),
    ("torch::bitwise_not", "Usage: torch::bitwise_not tensor | torch::bitwise_not -input tensor"),
    ("torch::bitwise_not -input invalid", "Invalid tensor name"),
    ("torch::bitwise_not -unknown $a", "Unknown parameter: -unknown"),
    ("torch::isnan", "Usage: torch::isnan tensor | torch::isnan -input tensor"),
    ("torch::isinf -input invalid_tensor", "Invalid tensor name"),
    ("torch::isfinite -unknown $a", "Unknown parameter: -unknown"),
    ("torch::isclose $a", "Required parameter missing: other"),
    ("torch::isclose $a $a x", 'expected floating-point number but got "x"'),
    ("torch::allclose $a $a 1e-5 1e-8 maybe", 'expected boolean value but got "maybe"'),
    ("torch::tensor_where", "Required parameter missing: condition"),
    ("torch::tensor_where $m $a", "tensor_where takes both x and y, or neither"),
    ("torch::tensor_where $a $a $a",
     "where expected condition to be a boolean tensor, but got a tensor with dtype Long"),
    ("torch::tensor_masked_fill $a $m",
     "Usage: torch::tensor_masked_fill tensor mask value | "
     "torch::tensor_masked_fill -tensor tensor -mask mask -value value"),
    ("torch::tensor_masked_fill nosuch $m 0", "Tensor not found"),
    ("torch::tensor_masked_fill $a nosuch 0", "Tensor not found"),
    ("torch::tensor_masked_fill $a $m zero", "Invalid value parameter"),
    ("torch::tensor_masked_fill -tensor $a -bogus 1",
     "Unknown parameter: -bogus. Valid parameters are: -input, -tensor, -mask, -value"),
])
def test_errors_use_the_pages_texts(tcl, script, message):
    tcl("set a [torch::tensor_create {1 2 3} int64]; set m [torch::gt $a 1]")
    assert tcl.error(script).message == message


def test_every_command_of_the_family_is_covered():
    tested = {r[0] for r in BINARY} | {u[0] for u in UNARY} | {
        "isclose", "allclose", "tensor_where", "tensor_masked_fill"}
    family = {n for n, c in REGISTRY.items() if c.family == "comparison"}
    assert family == tested and len(family) == 23
    for name, alias in [("eq", "Eq"), ("ne", "Ne"), ("lt", "Lt"), ("le", "Le"), ("gt", "Gt"),
                        ("ge", "Ge"), ("isclose", "isClose"), ("isnan", "isNan"),
                        ("isinf", "isInf"), ("isfinite", "isFinite")]:
        assert alias in REGISTRY[name].names
