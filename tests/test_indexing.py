"""The indexing commands against PyTorch: slices, index selection, gather/scatter, contiguity,
sizes; their spec error texts; and the runnable example of docs/indexing.md."""

import re

import pytest
import torch
from conftest import ROOT, Session

from torchtcl_kernel import TorchTcl

# Seeded data, stored under these names (the tests' scripts write them as $name).
_G = torch.Generator().manual_seed(17)
DATA = {
    "x": torch.randn(3, 4, 5, generator=_G),
    "v": torch.randn(6, generator=_G),
    "m": torch.randn(4, 6, generator=_G, dtype=torch.float64),
    "n": torch.randint(-9, 9, (5, 3), generator=_G),               # int64 values
    "i": torch.tensor([2, -1, 0, 2]),                              # a repeat and a negative
    "j": torch.tensor([[1, 0], [-2, 2]]),                          # 2-D indices
    "k": torch.tensor([3, 0, 3], dtype=torch.int32),
    "e": torch.tensor([], dtype=torch.long),
    "u": torch.randn(3, 5, generator=_G),                          # updates for rows of x[0]
    "w": torch.randn(4, generator=_G),
    "t": torch.randint(0, 6, (4, 6), generator=_G),                # along-dim indices for m
    "b": torch.randint(0, 3, (5, 1), generator=_G),                # broadcasts over n's columns
}
DATA["xt"] = DATA["x"].transpose(0, 2)          # (5, 4, 3), not contiguous
DATA["mt"] = DATA["m"].t()                      # (6, 4), not contiguous
DATA["x0"] = DATA["x"][0]                       # (4, 5)


@pytest.fixture(scope="module")
def env():
    """One interpreter for the module (the commands leave their operands as they were: checked)."""
    tcl = Session()
    names = {name: tcl.interp.put(t) for name, t in DATA.items()}
    tcl("; ".join(f"set {name} {handle}" for name, handle in names.items()))
    return tcl


def T(tcl, script):
    return tcl.interp.tensor(tcl(script))


def _rows(t, idx):
    """Rows of t at idx, negative ones counted from the end, without PyTorch's indexing."""
    flat = torch.index_select(t, 0, idx.flatten() % t.shape[0])
    return flat.reshape(*idx.shape, *t.shape[1:])


D = DATA
CASES = [
    # gather_nd: rows along dimension 0, any index shape
    ("torch::gather_nd $v $i", lambda: _rows(D["v"], D["i"])),
    ("torch::gatherNd -input $x -indices $j", lambda: _rows(D["x"], D["j"])),
    ("torch::gather_nd -indices $e -input $xt", lambda: _rows(D["xt"], D["e"])),
    ("torch::gather_nd $mt $k", lambda: _rows(D["mt"], D["k"].long())),
    # scatter_nd: whole rows replaced, the input untouched
    ("torch::scatter_nd $w [torch::tensor_create {3 -4} int64] [torch::tensor_create {1 2}]",
     lambda: D["w"].scatter(0, torch.tensor([3, 0]), torch.tensor([1.0, 2.0]))),
    ("torch::scatterNd -input $x0 -indices [torch::tensor_create {2 -1 0} int64] -updates $u",
     lambda: D["x0"].index_copy(0, torch.tensor([2, 3, 0]), D["u"])),
    ("torch::scatter_nd $x0 $e [torch::zeros {0 5}]", lambda: D["x0"]),
    ("torch::scatter_nd $mt [torch::tensor_create {1} int64] [torch::ones {4} float64]",
     lambda: D["mt"].index_fill(0, torch.tensor([1]), 1.0)),
    # take_along_dim
    ("torch::take_along_dim $m $t 1", lambda: torch.gather(D["m"], 1, D["t"])),
    ("torch::takeAlongDim -input $m -indices $t -dim -1", lambda: torch.gather(D["m"], 1, D["t"])),
    ("torch::take_along_dim $n $b 0", lambda: torch.take_along_dim(D["n"], D["b"], 0)),
    ("torch::take_along_dim -input $x -indices [torch::tensor_create {59 0 7} int64]",
     lambda: torch.stack([D["x"][2, 3, 4], D["x"][0, 0, 0], D["x"][0, 1, 2]])),
    ("torch::take_along_dim $mt [torch::tensor_create {{0 3}} int64] 1",
     lambda: torch.gather(D["mt"], 1, torch.tensor([[0, 3]]).expand(6, 2))),
    # tensor_advanced_index: one index tensor per leading dimension
    ("torch::tensor_advanced_index $x [list $i]", lambda: _rows(D["x"], D["i"])),
    ("torch::tensorAdvancedIndex -tensor $x "
     "-indices [list $i [torch::tensor_create {3 0 3 1} int32]]",
     lambda: torch.stack([D["x"][2, 3], D["x"][-1, 0], D["x"][0, 3], D["x"][2, 1]])),
    ("torch::tensor_advanced_index -input $xt -indices [list $e $e]", lambda: D["xt"][:0, 0]),
    ("torch::tensor_advanced_index $n [list [torch::gt $n 0]]", lambda: D["n"][D["n"] > 0]),
    # tensor_index_select
    ("torch::tensor_index_select $x 1 [torch::tensor_create {3 0 3} int64]",
     lambda: torch.stack([D["x"][:, 3], D["x"][:, 0], D["x"][:, 3]], 1)),
    ("torch::tensorIndexSelect -input $xt -dim -2 -indices $k",
     lambda: torch.stack([D["xt"][:, 3], D["xt"][:, 0], D["xt"][:, 3]], 1)),
    ("torch::tensor_index_select -tensor $m -dimension 0 -index $e", lambda: D["m"][:0]),
    # tensor_slice: Python's start:end:step on one dimension
    ("torch::tensor_slice $v 0 1 4", lambda: D["v"][1:4]),
    ("torch::tensor_slice $v 0 -3 -1", lambda: D["v"][-3:-1]),
    ("torch::tensor_slice $v 0 -4", lambda: D["v"][-4:]),
    ("torch::tensor_slice $x 2 0 5 2", lambda: D["x"][:, :, 0:5:2]),
    ("torch::tensorSlice -input $xt -dimension -1 -start 1 -end 99", lambda: D["xt"][..., 1:]),
    ("torch::tensor_slice -tensor $m -dim 1 -start 4 -end 2", lambda: D["m"][:, 4:2]),
    ("torch::tensor_slice $n 0 -99 3 2", lambda: D["n"][-99:3:2]),
    # narrow_copy
    ("torch::narrow_copy $x 1 1 2", lambda: D["x"].narrow(1, 1, 2)),
    ("torch::narrowCopy -input $xt -dim -1 -start -2 -length 2", lambda: D["xt"][..., -2:]),
    ("torch::narrow_copy $n 0 5 0", lambda: D["n"][5:]),
    # tensor_contiguous
    ("torch::tensor_contiguous $xt", lambda: D["xt"]),
    ("torch::tensorContiguous -tensor $m", lambda: D["m"]),
]


@pytest.mark.parametrize("script, expected", CASES, ids=[c[0] for c in CASES])
def test_values_match_pytorch(env, script, expected):
    want = expected()
    before = {name: t.clone() for name, t in DATA.items()}
    got = T(env, script)
    assert got.dtype == want.dtype
    assert got.shape == want.shape
    assert torch.equal(got, want)
    for name, t in DATA.items():        # no command writes into its operands
        assert torch.equal(t, before[name]), name


@pytest.mark.parametrize("script, copy", [
    ("torch::tensor_slice $x 1 1 3", False),
    ("torch::narrow_copy $x 1 1 2", True),
    ("torch::tensor_index_select $x 0 [torch::tensor_create {2 0} int64]", True),
    ("torch::gather_nd $x $i", True),
    ("torch::tensor_contiguous $xt", True),
    ("torch::tensor_contiguous $x", False),      # already contiguous: the tensor itself
])
def test_views_and_copies(env, script, copy):
    got = T(env, script)
    shares = got.untyped_storage().data_ptr() == DATA["x"].untyped_storage().data_ptr()
    assert shares is not copy


@pytest.mark.parametrize("script, grad", [
    ("torch::tensor_index_select $g 0 [torch::tensor_create {0 2 0} int64]",
     torch.tensor([[2.0] * 3, [0.0] * 3, [1.0] * 3, [0.0] * 3])),
    ("torch::tensor_slice $g 1 1", torch.tensor([[0.0, 1, 1]] * 4)),
    ("torch::tensorSlice -input $g -dim 0 -start 0 -end 4 -step 3",
     torch.tensor([[1.0] * 3, [0.0] * 3, [0.0] * 3, [1.0] * 3])),
    ("torch::narrow_copy $g 0 -1 1", torch.tensor([[0.0] * 3] * 3 + [[1.0] * 3])),
    ("torch::gather_nd $g [torch::tensor_create {3 3} int64]",
     torch.tensor([[0.0] * 3] * 3 + [[2.0] * 3])),
    ("torch::take_along_dim $g [torch::tensor_create {2 0 2 1} {4 1} int64] 1",
     torch.tensor([[0.0, 0, 1], [1, 0, 0], [0, 0, 1], [0, 1, 0]])),
    ("torch::tensor_advanced_index $g [list [torch::tensor_create {1 1} int64]]",
     torch.tensor([[0.0] * 3, [2.0] * 3, [0.0] * 3, [0.0] * 3])),
    ("torch::scatter_nd $g [torch::tensor_create {0} int64] [torch::zeros {1 3}]",
     torch.tensor([[0.0] * 3] + [[1.0] * 3] * 3)),
    ("torch::tensor_contiguous [torch::tensor_slice $g 1 0 3 2]",
     torch.tensor([[1.0, 0, 1]] * 4)),
])
def test_gradients_flow_back_to_the_input(env, script, grad):
    g = torch.randn(4, 3, requires_grad=True)
    env(f"set g {env.interp.put(g)}")
    out = T(env, script)
    assert out.grad_fn is not None
    out.sum().backward()
    assert torch.equal(g.grad, grad)


def test_contiguity_and_size(env):
    assert env("torch::tensor_is_contiguous $x") == "1"
    assert env("torch::tensor_is_contiguous $xt") == "0"
    assert env("torch::tensorIsContiguous -tensor $mt") == "0"
    assert env("torch::tensor_is_contiguous -input [torch::tensor_slice $v 0 0 6 2]") == "0"
    assert env("torch::tensor_is_contiguous [torch::tensor_contiguous $xt]") == "1"
    assert env("torch::tensor_is_contiguous [torch::narrow_copy $xt 0 1 2]") == "1"
    assert env("torch::tensor_size $xt") == "5 4 3"
    assert env("torch::tensorSize -input $x") == "3 4 5"
    assert env("torch::tensor_size $x -1") == "5"
    assert env("torch::tensor_size -tensor $xt -dimension 0") == "5"
    assert env("torch::tensor_size [torch::full {} 3.0]") == ""
    assert env("torch::tensor_size [torch::tensor_slice $v 0 4 2]") == "0"
    assert env("llength [torch::tensor_size $x]") == "3"


ERRORS = [
    ("torch::gather_nd", "Usage: torch::gather_nd input indices"),
    ("torch::gather_nd -input $v", "Required parameters missing: input and indices must be "
                                   "provided"),
    ("torch::gather_nd nosuch $i", "Invalid input tensor"),
    ("torch::gatherNd -input $v -indices nosuch", "Invalid indices tensor"),
    ("torch::gather_nd -input $v -indices $i -dim 0", "Unknown parameter: -dim"),
    ("torch::gather_nd $v $v", "tensors used as indices must be long, int, byte or bool tensors"),
    ("torch::scatter_nd $v $i", "Usage: torch::scatter_nd input indices updates"),
    ("torch::scatter_nd -input $v -indices $i", "Required parameters missing"),
    ("torch::scatter_nd $v $i nosuch", "Invalid updates tensor"),
    ("torch::take_along_dim $m", "Usage: torch::take_along_dim input indices ?dim?"),
    ("torch::take_along_dim -input $m -dim 1", "Required parameters missing: input and indices"),
    ("torch::take_along_dim $m $t one", "Invalid dim value"),
    ("torch::take_along_dim nosuch $t", "Invalid input tensor"),
    ("torch::take_along_dim $m nosuch", "Invalid indices tensor"),
    ("torch::take_along_dim -input $m -indices $t -axis 1", "Unknown parameter: -axis"),
    ("torch::tensor_advanced_index",
     "Usage: torch::tensor_advanced_index tensor indices_list | "
     "torch::tensor_advanced_index -tensor tensor -indices indices_list"),
    ("torch::tensor_advanced_index $x {}",
     "Required parameters missing: tensor and indices list required"),
    ("torch::tensor_advanced_index -tensor $x",
     "Required parameters missing: tensor and indices list required"),
    ("torch::tensor_advanced_index nosuch [list $i]", "Tensor not found"),
    ("torch::tensor_advanced_index $x [list $i nosuch]", "Index tensor not found"),
    ("torch::tensor_advanced_index -tensor $x -param 1",
     "Unknown parameter: -param. Valid parameters are: -tensor, -indices"),
    ("torch::tensor_index_select $x 0", "Invalid number of arguments"),
    ("torch::tensor_index_select $x 0 $i 1", "Invalid number of arguments"),
    ("torch::tensor_index_select -input $x -dim 0",
     "Required parameters missing: input tensor and indices tensor are required"),
    ("torch::tensor_index_select nosuch 0 $i", "Invalid tensor name"),
    ("torch::tensor_index_select $x 0 nosuch", "Invalid indices tensor name"),
    ("torch::tensor_index_select $x invalid_dim $i", "Invalid dimension value"),
    ("torch::tensor_index_select -input $x -dim 0 -indices $i -unknown_param 1",
     "Unknown parameter: -unknown_param"),
    ("torch::tensor_index_select $x 3 $i",
     "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    ("torch::tensor_slice", "Required tensor parameter missing"),
    ("torch::tensor_slice nosuch 0 1", "Tensor not found"),
    ("torch::tensor_slice $v invalid 1", "Invalid dimension value"),
    ("torch::tensor_slice $v 0 invalid", "Invalid start value"),
    ("torch::tensor_slice $v 0 1 invalid", "Invalid end value"),
    ("torch::tensor_slice $v 0 1 2 invalid", "Invalid step value"),
    ("torch::tensor_slice -invalid $v", "Unknown parameter: -invalid"),
    ("torch::tensor_slice $v 0 1 2 1 1", "Invalid number of arguments"),
    ("torch::tensor_slice $v 0 0 6 -1", "slice step must be positive"),
    ("torch::tensor_slice $v 1 0", "Dimension out of range (expected to be in range of [-1, 0], "
                                   "but got 1)"),
    ("torch::narrow_copy $x 0 1", "Usage: torch::narrow_copy input dim start length"),
    ("torch::narrow_copy nosuch 0 0 1", "Invalid input tensor"),
    ("torch::narrow_copy $x one 0 1", "Invalid dimension value"),
    ("torch::narrow_copy $x 0 one 1", "Invalid start value"),
    ("torch::narrow_copy $x 0 0 one", "Invalid length value"),
    ("torch::narrow_copy -input $x -dim 0 -start 0 -size 1", "Unknown parameter: -size"),
    ("torch::narrow_copy $x 0 2 2", "start (2) + length (2) exceeds dimension size (3)."),
    ("torch::tensor_contiguous", "Required parameter missing: -input"),
    ("torch::tensor_contiguous invalid_tensor", "Invalid tensor name"),
    ("torch::tensor_contiguous -unknown $x", "Unknown parameter: -unknown"),
    ("torch::tensor_is_contiguous", "Required tensor parameter missing"),
    ("torch::tensor_is_contiguous nonexistent_tensor", "Invalid tensor name"),
    ("torch::tensor_is_contiguous -unknown value", "Unknown parameter: -unknown"),
    ("torch::tensor_size nosuch", "Invalid tensor name: nosuch"),
    ("torch::tensor_size $x x", "Invalid dimension value"),
    ("torch::tensor_size $x 3", "Dimension out of range (expected to be in range of [-3, 2], "
                                "but got 3)"),
]


@pytest.mark.parametrize("script, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_error_texts(env, script, message):
    assert env.error(script).message == message


@pytest.mark.parametrize("script", [
    "torch::tensor_slice -tensor $v -dim", "torch::tensor_contiguous -input",
    "torch::tensor_is_contiguous -tensor", "torch::tensor_index_select -input $x -dim"])
def test_a_dangling_option_says_missing_value(env, script):
    assert env.error(script).message.startswith("Missing value for parameter")


# --- docs/indexing.md's example ----------------------------------------------------------------
def test_the_minibatch_and_accuracy_example_runs_and_is_right():
    page = (ROOT / "docs" / "indexing.md").read_text()
    blocks = re.findall(r"```tcl\n(.*?)```", page, re.S)
    assert len(blocks) == 1
    out = []
    tcl = TorchTcl(stdout=out.append, stderr=out.append)
    tcl.eval(blocks[0])
    printed = dict(line.split(": ", 1) for line in "".join(out).strip().split("\n"))

    torch.manual_seed(7)
    logits = torch.randn(12, 3)
    labels = torch.randn(12, 3).argmax(1)
    order = torch.multinomial(torch.ones(12), 12, False).tolist()
    assert [int(w) for w in tcl.eval("set order").split()] == order
    assert sorted(order) == list(range(12)) and order != list(range(12))
    pick = torch.tensor(order[:4])

    def accuracy(scores, target):
        return (scores.argmax(1) == target).float().mean().item()

    assert printed["batch sizes"] == "4 and 4"
    assert printed["shuffled batch rows"] == " ".join(map(str, order[:4])) + ", shape 4 3"
    for key, want in [("batch accuracy", accuracy(logits[pick], labels[pick])),
                      ("accuracy", accuracy(logits, labels))]:
        got = float(printed[key])
        assert 0.0 <= got <= 1.0
        assert got == pytest.approx(want, abs=5e-7), key
    # the page's tensors are the ones computed here
    assert torch.equal(tcl.tensor(tcl.eval("set logits")), logits)
    assert torch.equal(tcl.tensor(tcl.eval("set batch_labels")), labels[pick])
