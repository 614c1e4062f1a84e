"""Tensors made from others and tensors shown: empty_like, full_like, logspace, and the two ways
out of a tensor, tensor_to_list and tensor_print, including how fast they are on a million
elements."""

import math
import time

import pytest
import torch

F64 = torch.float64
A = torch.arange(12, dtype=torch.float32).reshape(3, 4) / 4
INTS = torch.arange(6, dtype=torch.int32).reshape(2, 3)


@pytest.fixture
def ts(tcl):
    for name, t in [("a", A), ("at", A.t()), ("i", INTS), ("e", torch.zeros(0, 2))]:
        tcl(f"set {name} {tcl.interp.put(t)}")
    return tcl


def T(tcl, script):
    return tcl.interp.tensor(tcl(script))


# --- creation ----------------------------------------------------------------------------------
@pytest.mark.parametrize("script, want", [
    ("torch::empty_like $a", torch.empty_like(A)),
    ("torch::empty_like $at float64", torch.empty_like(A.t(), dtype=F64)),
    ("torch::empty_like $i float32 cpu", torch.empty_like(INTS, dtype=torch.float32)),
    ("torch::emptyLike -input $e -dtype int64", torch.empty_like(torch.zeros(0, 2),
                                                                 dtype=torch.int64)),
    ("torch::empty_like -dtype float32 -requiresGrad false -input $a -device cpu",
     torch.empty_like(A)),
])
def test_empty_like_shape_dtype_device(ts, script, want):
    got = T(ts, script)
    assert (got.shape, got.dtype, got.device) == (want.shape, want.dtype, want.device)


@pytest.mark.parametrize("script, want", [
    ("torch::full_like $a 7.0", torch.full_like(A, 7.0)),
    ("torch::full_like $i 2.5", torch.full_like(INTS, 2.5)),
    ("torch::full_like $at 3 float64", torch.full_like(A.t(), 3, dtype=F64)),
    ("torch::full_like $a 3.14 float32 cpu", torch.full_like(A, 3.14)),
    ("torch::full_like -input $i -value -4 -dtype int64", torch.full_like(INTS, -4,
                                                                         dtype=torch.int64)),
    ("torch::fullLike -input $e -fill_value 1.5", torch.full_like(torch.zeros(0, 2), 1.5)),
    ("torch::logspace 0 3 4", torch.logspace(0, 3, 4)),
    ("torch::logspace 0 2 3 2.0", torch.logspace(0, 2, 3, 2.0)),
    ("torch::logspace -3 0 50 10.0 float64 cpu", torch.logspace(-3, 0, 50, dtype=F64)),
    ("torch::logspace -dtype float64 -start 1 -end 4 -steps 5 -base 2.0 -device cpu",
     torch.logspace(1, 4, 5, 2.0, dtype=F64)),
    ("torch::logspace -start 0 -end 3 -steps 0", torch.logspace(0, 3, 0)),
    ("torch::logspace 1 2 3 10 int64", torch.logspace(1, 2, 3, dtype=torch.int64)),
])
def test_filled_creation_equals_pytorch(ts, script, want):
    got = T(ts, script)
    assert got.dtype == want.dtype and torch.equal(got, want)


def test_creation_requires_grad(ts):
    for script in ["torch::empty_like -input $a -requiresGrad true",
                   "torch::full_like -input $a -value 1 -requiresGrad true",
                   "torch::logspace -start 0 -end 1 -steps 3 -requiresGrad true"]:
        t = T(ts, script)
        assert t.requires_grad and t.is_leaf
    assert not T(ts, "torch::full_like $a 1").requires_grad


@pytest.mark.parametrize("script, message", [
    ("torch::empty_like", "Input tensor is required"),
    ("torch::empty_like nosuch", "Invalid tensor name"),
    ("torch::empty_like $a float32 cpu false extra", "Invalid number of arguments"),
    ("torch::empty_like -input", "Missing value for parameter..."),
    ("torch::emptyLike -input $a -bogus 1", "Unknown parameter: -bogus"),
    ("torch::empty_like -input $a -requiresGrad maybe", "Invalid requiresGrad value: maybe"),
    ("torch::full_like $a", "Required parameter missing: value"),
    ("torch::full_like -value 1", "Required parameter missing: input"),
    ("torch::logspace -start 0 -end 3", "-steps parameter is required"),
    ("torch::logspace -start", "Missing value for parameter..."),
    ("torch::logspace -invalid 5", "Unknown parameter: -invalid"),
    ("torch::logspace -start 0 -end 3 -steps 4 -dtype bad", "Invalid dtype: bad"),
])
def test_creation_errors(ts, script, message):
    """The pages' texts (a dangling option may be named after the ...)."""
    got = ts.error(script).message
    assert got.startswith(message[:-3]) if message.endswith("...") else got == message


# --- tensor_to_list ----------------------------------------------------------------------------
def _read(tcl, text, depth):
    """A Tcl list nested `depth` deep as Python lists of numbers (as Tcl reads them)."""
    if depth == 0:
        try:
            return int(text)
        except ValueError:
            return float(text)
    return [_read(tcl, w, depth - 1) for w in tcl.interp.tk.splitlist(text)]


def _same(a, b):
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return a == b or (math.isnan(a) and math.isnan(b))


LISTED = [
    torch.tensor(1.5), torch.tensor(-3, dtype=torch.int64), torch.tensor([]),
    torch.tensor([0.1, -0.0, 1e-30, 3.4e38, float("inf"), float("-inf"), float("nan")]),
    torch.tensor([0.1, 1 / 3, 1e300, 5e-324, -2.5], dtype=F64),
    torch.randn(3, 4, generator=torch.Generator().manual_seed(0)),
    torch.randn(2, 3, 4, dtype=F64, generator=torch.Generator().manual_seed(1)),
    torch.arange(12).reshape(3, 4).t(),            # non-contiguous
    torch.tensor([-2**63, 2**63 - 1]), torch.tensor([[-128, 127]], dtype=torch.int8),
    torch.tensor([0, 255], dtype=torch.uint8), torch.tensor([-32768, 7], dtype=torch.int16),
    torch.tensor([-2**31, 2**31 - 1], dtype=torch.int32),
    torch.tensor([[True, False], [False, True]]),
    torch.tensor([0.1, 65504.0], dtype=torch.float16), torch.tensor([0.1, 3e38],
                                                                    dtype=torch.bfloat16),
    torch.zeros(2, 0), torch.zeros(0, 3), torch.zeros(2, 0, 3), torch.zeros(4, 1),
    torch.ones(2, 2, requires_grad=True),
]


@pytest.mark.parametrize("t", LISTED, ids=[f"{t.dtype}{tuple(t.shape)}" for t in LISTED])
def test_to_list_has_the_exact_values_nested(tcl, t):
    text = tcl(f"torch::tensor_to_list {tcl.interp.put(t)}")
    want = t.tolist()
    assert _same(_read(tcl, text, t.dim()), want)
    # the text reads back (e.g. through tensor_create) as the same tensor
    if t.numel() and t.dim() and not t.isnan().any():
        h = tcl.interp.put(t)
        back = tcl(f"torch::tensor_create [torch::tensor_to_list {h}] "
                   f"-dtype {str(t.dtype).split('.')[1]} -shape [torch::tensor_shape {h}]")
        assert torch.equal(tcl.interp.tensor(back), t.detach())


def test_to_list_forms(tcl):
    def listed(t):
        return tcl(f"torch::tensorToList -input {tcl.interp.put(t)}")
    assert listed(torch.tensor([[1, 2], [3, 4]])) == "{1 2} {3 4}"
    assert listed(torch.tensor([True, False])) == "1 0"
    assert listed(torch.tensor(2.0)) == "2.0"
    assert listed(torch.zeros(2, 0)) == "{} {}"
    assert listed(torch.tensor([1e-5, float("nan"), -float("inf")], dtype=F64)) == "1e-05 nan -inf"
    assert listed(torch.tensor([0.1])) == repr(float(torch.tensor(0.1)))   # the float32 value
    assert listed(torch.zeros(2) / 0) == "nan nan"     # (0/0 is a negative NaN on x86)
    # as Python writes each double, and read back by Tcl as the same double
    values = torch.randn(1000, dtype=F64) * 10.0 ** torch.randint(-30, 30, (1000,))
    assert listed(values) == " ".join(map(repr, values.tolist()))
    assert tcl(f"expr {{[lindex [torch::tensor_to_list {tcl.interp.put(values)}] 7] * 1}}") == \
        repr(values[7].item())
    assert listed(torch.tensor([1 + 2j, 3 - 0.5j])) == "{1.0 2.0} {3.0 -0.5}"
    assert listed(torch.tensor([1 + 2j]).conj()) == "{1.0 -2.0}"
    assert listed(torch.tensor(-1j, dtype=torch.complex128)) == "-0.0 -1.0"
    assert tcl("lindex [torch::tensor_to_list [torch::tensor_create {{1 2} {3 4}}]] 1 0") == "3.0"


def test_to_list_numbers_are_tcl_doubles_that_follow_tcl_precision(tcl):
    """The values are Tcl doubles: exact at Tcl's default precision, and shown as a script's
    tcl_precision asks, as every Tcl double is (the setting is global to the process)."""
    third = tcl.interp.put(torch.tensor([1 / 3], dtype=F64))
    assert tcl(f"torch::tensor_to_list {third}") == repr(1 / 3)
    try:
        tcl("set ::tcl_precision 6")
        assert tcl(f"torch::tensor_to_list {third}") == "0.333333"
    finally:
        tcl("set ::tcl_precision 0")


def test_to_list_errors(tcl):
    assert tcl.error("torch::tensor_to_list").message == "Input tensor is required"
    assert tcl.error("torch::tensor_to_list nosuch").message == "Invalid tensor name"
    assert tcl.error("torch::tensor_to_list nosuch extra").message == \
        "Invalid number of arguments"


def _fastest(tcl, script, tries=3):
    """The CPU time the script takes, best of a few tries: CPU time, as the machine running the
    tests may be busy with others (wall time then says little)."""
    best = math.inf
    for _ in range(tries):
        started = time.process_time()
        tcl(script)
        best = min(best, time.process_time() - started)
        if best < 0.5:
            break
    return best


@pytest.mark.parametrize("shape, dtype", [((1000, 1000), torch.float32), ((10 ** 6,), F64),
                                          ((10 ** 6,), torch.int64)])
def test_to_list_of_a_million_elements_is_fast(tcl, shape, dtype):
    t = torch.randn(shape).to(dtype) if dtype.is_floating_point else torch.randint(-9**9, 9**9,
                                                                                  shape)
    tcl(f"set t {tcl.interp.put(t)}")
    took = _fastest(tcl, "set l [torch::tensor_to_list $t]; llength $l")
    assert took < 0.5, f"tensor_to_list of 1M elements took {took:.2f} s"
    assert tcl("llength $l") == str(shape[0])
    assert tcl(f"lindex $l {' '.join(['end'] * len(shape))}") == repr(t.reshape(-1)[-1].item())


# --- tensor_print ------------------------------------------------------------------------------
def test_print_is_pytorchs_form(ts):
    assert ts("torch::tensor_print $a") == str(A)
    assert ts("torch::tensorPrint -input $at") == str(A.t())
    assert ts("torch::tensor_print $e") == str(torch.zeros(0, 2))


@pytest.mark.parametrize("t, limit, edge", [
    (torch.arange(100.), 6, 3), (torch.arange(100.), 100, None), (torch.arange(100.), 99, 49),
    (torch.arange(10000.).reshape(100, 100), 30, 2), (torch.ones(10, 10, 10, dtype=F64), 100, 2),
    (torch.tensor(3.5), 0, None), (torch.arange(5), 0, 1),
])
def test_print_max_clips_and_restores_the_options(tcl, t, limit, edge):
    before = torch._tensor_str.PRINT_OPTS.__dict__.copy()
    got = tcl(f"torch::tensor_print {tcl.interp.put(t)} -max {limit}")
    assert torch._tensor_str.PRINT_OPTS.__dict__ == before
    if edge is None:                       # small enough: every element
        with torch._tensor_str.printoptions(threshold=math.inf):
            assert got == str(t)
    else:
        with torch._tensor_str.printoptions(threshold=limit, edgeitems=edge):
            assert got == str(t)
        assert "..." in got


def test_print_of_a_million_elements_is_fast(tcl):
    tcl(f"set t {tcl.interp.put(torch.randn(1000, 1000))}")
    assert _fastest(tcl, "torch::tensor_print $t") < 0.5
    assert _fastest(tcl, "torch::tensor_print $t -max 10000") < 0.5


@pytest.mark.parametrize("script, message", [
    ("torch::tensor_print", "Input tensor is required"),
    ("torch::tensor_print $a 5", "Invalid number of arguments"),
    ("torch::tensor_print -input $a -max -1", "Invalid value for -max: -1"),
    ("torch::tensor_print -input $a -max", "Missing value for parameter"),
    ("torch::tensor_print -input $a -foo 1", "Unknown parameter: -foo"),
])
def test_print_errors(ts, script, message):
    assert ts.error(script).message == message
