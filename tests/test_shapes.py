"""The shapes family (commands/shapes.py) against PyTorch: joining, splitting, stacking,
broadcasting, permuting and repeating, in positional and named syntax and by camelCase name."""

import pytest
import torch
from conftest import Session


def _inputs():
    g = torch.Generator().manual_seed(17)

    def randn(*shape):
        return torch.randn(*shape, generator=g)
    return {
        "a": randn(3, 4), "b": randn(3, 4), "c": randn(3, 2),
        "n": randn(4, 3).t(),                     # non-contiguous, 3 x 4
        "e": torch.zeros(0, 4),                   # empty
        "s": torch.tensor(2.5),                   # 0-d
        "v": randn(5), "r": randn(4), "col": randn(3, 1),
        "w": torch.arange(5),                     # int64
        "k": torch.randint(0, 9, (3,), generator=g, dtype=torch.int32),
        "x": randn(2, 3, 6), "one": randn(1, 4, 1, 5, 1),
    }


@pytest.fixture(scope="module")
def env():
    """One interpreter for the module (a new one per test costs more than the tests), with each
    input in a Tcl variable of its name; and the inputs."""
    tcl = Session()
    inputs = _inputs()
    for name, t in inputs.items():
        tcl(f"set {name} {tcl.interp.put(t)}")
    return tcl, inputs


def _check(tcl, result, expected):
    if isinstance(expected, torch.Tensor):
        got = tcl.interp.tensor(result)
        assert got.dtype == expected.dtype
        assert got.shape == expected.shape
        assert torch.equal(got, expected)
    elif isinstance(expected, torch.Size):
        assert result == " ".join(map(str, expected))
    else:                                   # several tensors: a Tcl list of handles
        handles = tcl.interp.tk.splitlist(result)
        assert len(handles) == len(expected)
        for h, e in zip(handles, expected, strict=True):
            _check(tcl, h, e)


CASES = [
    # at least n dimensions
    *[(f"torch::atleast_{n}d ${name}", lambda T, n=n, name=name:
       getattr(torch, f"atleast_{n}d")(T[name])) for n in (1, 2, 3) for name in "svax"],
    ("torch::atleast1d -tensor $s", lambda T: torch.atleast_1d(T["s"])),
    ("torch::atleast2d -input $v", lambda T: torch.atleast_2d(T["v"])),
    ("torch::atleast3d -input $n", lambda T: torch.atleast_3d(T["n"])),
    ("torch::atleast_3d $e", lambda T: torch.atleast_3d(T["e"])),
    # stacking
    ("torch::hstack $a $b", lambda T: torch.hstack([T["a"], T["b"]])),
    ("torch::hStack [list $a $n] $c", lambda T: torch.hstack([T["a"], T["n"], T["c"]])),
    ("torch::hstack -inputs [list $v $w]", lambda T: torch.hstack([T["v"], T["w"]])),
    ("torch::vstack $a $n $e", lambda T: torch.vstack([T["a"], T["n"], T["e"]])),
    ("torch::vStack -tensors [list $v $v]", lambda T: torch.vstack([T["v"], T["v"]])),
    ("torch::row_stack [list $a $b]", lambda T: torch.vstack([T["a"], T["b"]])),
    ("torch::rowStack -inputs $r", lambda T: torch.vstack([T["r"]])),
    ("torch::dstack $a $b", lambda T: torch.dstack([T["a"], T["b"]])),
    ("torch::dStack -tensors [list $v $w]", lambda T: torch.dstack([T["v"], T["w"]])),
    ("torch::column_stack $k $col", lambda T: torch.column_stack([T["k"], T["col"]])),
    ("torch::columnStack -inputs [list $a $c]", lambda T: torch.column_stack([T["a"], T["c"]])),
    ("torch::tensor_cat [list $a $b $n] 0", lambda T: torch.cat([T["a"], T["b"], T["n"]])),
    ("torch::tensor_cat [list $a $c] -1", lambda T: torch.cat([T["a"], T["c"]], -1)),
    ("torch::tensorCat -tensors [list $a $e] -dim 0", lambda T: torch.cat([T["a"], T["e"]])),
    ("torch::tensor_concat [list $w $k] 0", lambda T: torch.cat([T["w"], T["k"]])),
    ("torch::tensor_cat -inputs $a -dimension 1", lambda T: torch.cat([T["a"]], 1)),
    ("torch::tensor_stack [list $a $b] 1", lambda T: torch.stack([T["a"], T["b"]], 1)),
    ("torch::tensorStack -tensors [list $a $n] -dim -1",
     lambda T: torch.stack([T["a"], T["n"]], -1)),
    ("torch::tensor_stack [list $e $e]", lambda T: torch.stack([T["e"], T["e"]])),
    # several in, one or several out
    ("torch::broadcast_tensors $r $col", lambda T: torch.broadcast_tensors(T["r"], T["col"])),
    ("torch::broadcastTensors -tensors [list $col $s $n]",
     lambda T: torch.broadcast_tensors(T["col"], T["s"], T["n"])),
    ("torch::broadcast_shapes {2 1} {3}", lambda T: torch.broadcast_shapes((2, 1), (3,))),
    ("torch::broadcastShapes -shapes {{4 1 3} {5 1} {}}",
     lambda T: torch.broadcast_shapes((4, 1, 3), (5, 1), ())),
    ("torch::block_diag $a $c $s", lambda T: torch.block_diag(T["a"], T["c"], T["s"])),
    ("torch::blockDiag -tensors [list $v $w]", lambda T: torch.block_diag(T["v"], T["w"])),
    ("torch::cartesian_prod $r $v", lambda T: torch.cartesian_prod(T["r"], T["v"])),
    ("torch::cartesianProd -tensors [list $r $r $v]",
     lambda T: torch.cartesian_prod(T["r"], T["r"], T["v"])),
    ("torch::cartesian_prod $k", lambda T: torch.cartesian_prod(T["k"])),
    ("torch::meshgrid $r $v", lambda T: torch.meshgrid(T["r"], T["v"], indexing="ij")),
    ("torch::meshGrid -tensors [list $r $v $r] -indexing xy",
     lambda T: torch.meshgrid(T["r"], T["v"], T["r"], indexing="xy")),
    ("torch::combinations $v", lambda T: torch.combinations(T["v"])),
    ("torch::combinations $v 3 1", lambda T: torch.combinations(T["v"], 3, True)),
    ("torch::combinations -tensor $w -r 2 -replacement true",
     lambda T: torch.combinations(T["w"], 2, True)),
    ("torch::combinations -input $r -withReplacement 0 -r 4",
     lambda T: torch.combinations(T["r"], 4)),
    # splitting
    ("torch::hsplit $x 3", lambda T: torch.hsplit(T["x"], 3)),
    ("torch::hSplit -tensor $x -sections {1 2}", lambda T: torch.hsplit(T["x"], [1, 2])),
    ("torch::hsplit -input $v -indices 2", lambda T: torch.hsplit(T["v"], [2])),
    ("torch::vsplit $a 3", lambda T: torch.vsplit(T["a"], 3)),
    ("torch::vSplit -tensor $n -indices {1}", lambda T: torch.vsplit(T["n"], [1])),
    ("torch::dsplit $x {1 4}", lambda T: torch.dsplit(T["x"], [1, 4])),
    ("torch::dSplit -input $x -sections 2", lambda T: torch.dsplit(T["x"], 2)),
    ("torch::tensor_split $v 3", lambda T: torch.tensor_split(T["v"], 3)),
    ("torch::tensor_split $a {1 3} 1", lambda T: torch.tensor_split(T["a"], [1, 3], 1)),
    ("torch::tensorSplit -input $n -sections 3 -dim -1",
     lambda T: torch.tensor_split(T["n"], 3, -1)),
    ("torch::tensor_split -tensor $a -indices 2 -dimension 1",
     lambda T: torch.tensor_split(T["a"], [2], 1)),
    ("torch::tensor_split $e 2 1", lambda T: torch.tensor_split(T["e"], 2, 1)),
    ("torch::tensor_split $w 7", lambda T: torch.tensor_split(T["w"], 7)),
    # one tensor reshaped
    ("torch::flip $a {0}", lambda T: torch.flip(T["a"], [0])),
    ("torch::Flip -input $n -dims {0 1}", lambda T: torch.flip(T["n"], [0, 1])),
    ("torch::flip -tensor $x -dimensions -1", lambda T: torch.flip(T["x"], [-1])),
    ("torch::roll $v 2", lambda T: torch.roll(T["v"], 2)),
    ("torch::roll $a {1 -1} {0 1}", lambda T: torch.roll(T["a"], (1, -1), (0, 1))),
    ("torch::tensor_roll -input $n -shifts 1 -dims -1", lambda T: torch.roll(T["n"], 1, -1)),
    ("torch::roll -input $a -shifts {5}", lambda T: torch.roll(T["a"], 5)),
    ("torch::rot90 $a", lambda T: torch.rot90(T["a"])),
    ("torch::rot90 $n 2", lambda T: torch.rot90(T["n"], 2)),
    ("torch::rot90 -input $x -k -1 -dims {1 2}", lambda T: torch.rot90(T["x"], -1, (1, 2))),
    ("torch::squeeze_multiple $one", lambda T: torch.squeeze(T["one"])),
    ("torch::squeezeMultiple -tensor $one -dims {0 2}", lambda T: torch.squeeze(T["one"], (0, 2))),
    ("torch::squeeze_multiple $one {-1 1}", lambda T: torch.squeeze(T["one"], (-1, 1))),
    ("torch::unsqueeze_multiple $a {0 2}", lambda T: T["a"].unsqueeze(0).unsqueeze(2)),
    ("torch::unsqueezeMultiple -tensor $n -dims {-1 -3}",
     lambda T: T["n"].unsqueeze(1).unsqueeze(3)),
    ("torch::unsqueeze_multiple -input $s -dims {1 0}", lambda T: T["s"].reshape(1, 1)),
    ("torch::tensor_expand $col {3 4}", lambda T: T["col"].expand(3, 4)),
    ("torch::tensorExpand -input $col -sizes {2 -1 4}", lambda T: T["col"].expand(2, -1, 4)),
    ("torch::tensor_expand -tensor $s -shape {2 2}", lambda T: T["s"].expand(2, 2)),
    ("torch::tensor_permute $x {2 0 1}", lambda T: T["x"].permute(2, 0, 1)),
    ("torch::tensorPermute -input $n -dims {1 0}", lambda T: T["n"].permute(1, 0)),
    ("torch::tensor_permute $x {-1 0 1}", lambda T: T["x"].permute(-1, 0, 1)),
    ("torch::tensor_repeat $v {2}", lambda T: T["v"].repeat(2)),
    ("torch::tensorRepeat -input $a -repeats {2 1 3}", lambda T: T["a"].repeat(2, 1, 3)),
    ("torch::tensor_repeat -tensor $n -repeats {1 2}", lambda T: T["n"].repeat(1, 2)),
]


@pytest.mark.parametrize("script, expected", CASES, ids=[c[0] for c in CASES])
def test_matches_pytorch(env, script, expected):
    tcl, inputs = env
    _check(tcl, tcl(script), expected(inputs))


def test_every_command_is_covered_positionally_and_by_name():
    """Each command of the family appears above by its own name and its camelCase one."""
    from torchtcl_kernel.core.registry import REGISTRY
    scripts = " ".join(c[0] for c in CASES)
    names = [n for n, c in REGISTRY.items() if c.family == "shapes"]
    assert len(names) == 28
    for name in names:
        spellings = REGISTRY[name].names
        assert any(f"torch::{s} " in scripts for s in spellings[1:] or spellings), name
        assert f"torch::{name} $" in scripts or f"torch::{name} [" in scripts or \
            f"torch::{name} {{" in scripts, name


@pytest.mark.parametrize("script, grads", [
    ("torch::tensor_cat [list $p $p $q] 0", lambda p, q: (2 * torch.ones(2, 3), torch.ones(2, 3))),
    ("torch::tensor_stack -tensors [list $p $q] -dim 1",
     lambda p, q: (torch.ones(2, 3), torch.ones(2, 3))),
    ("torch::hstack $p $q", lambda p, q: (torch.ones(2, 3), torch.ones(2, 3))),
    ("torch::dstack $p $p", lambda p, q: (2 * torch.ones(2, 3), None)),
    ("torch::tensor_repeat $p {2 2}", lambda p, q: (4 * torch.ones(2, 3), None)),
    ("torch::flip $p {0 1}", lambda p, q: (torch.ones(2, 3), None)),
])
def test_gradients_flow_through(env, script, grads):
    tcl, _ = env
    g = torch.Generator().manual_seed(3)
    p = torch.randn(2, 3, generator=g).requires_grad_()
    q = torch.randn(2, 3, generator=g).requires_grad_()
    tcl(f"set p {tcl.interp.put(p)}; set q {tcl.interp.put(q)}")
    out = tcl.interp.tensor(tcl(script))
    assert out.grad_fn is not None
    (out * torch.ones_like(out)).sum().backward()
    want_p, want_q = grads(p, q)
    assert torch.equal(p.grad, want_p)
    assert (q.grad is None) if want_q is None else torch.equal(q.grad, want_q)


def test_split_parts_keep_the_graph(env):
    tcl, _ = env
    p = torch.arange(6.0).requires_grad_()
    tcl(f"set p {tcl.interp.put(p)}")
    parts = tcl.interp.tk.splitlist(tcl("torch::tensor_split $p {1 4}"))
    assert [tuple(tcl.interp.tensor(h).shape) for h in parts] == [(1,), (3,), (2,)]
    tcl.interp.tensor(parts[1]).sum().backward()
    assert torch.equal(p.grad, torch.tensor([0.0, 1, 1, 1, 0, 0]))


ERRORS = [
    # the pages' texts
    ("torch::atleast_2d", "Usage: torch::atleast_2d tensor | torch::atleast_2d -input tensor"),
    ("torch::atleast3d", "Usage: torch::atleast3d tensor | torch::atleast3d -input tensor"),
    ("torch::atleast_3d -unknown_param $a",
     "Unknown parameter: -unknown_param. Valid parameters are: -input, -tensor"),
    ("torch::atleast_1d -input nonexistent", "Invalid input tensor"),
    ("torch::flip", "Usage: torch::flip input dims | torch::flip -input tensor -dims list"),
    ("torch::flip $a", "Usage: torch::flip input dims | torch::flip -input tensor -dims list"),
    ("torch::flip invalid_tensor {0}", "Invalid input tensor"),
    ("torch::flip -input $a -invalid {0}", "Unknown parameter: -invalid"),
    ("torch::flip -input $a -dims {}", "Required parameters missing: -input and -dims"),
    ("torch::flip -dims {0}", "Required parameters missing: -input and -dims"),
    ("torch::dstack", 'wrong # args: should be "torch::dstack tensor_list or -tensors '
                      'tensor_list"'),
    ("torch::dstack -tensors", "Missing value for parameter -tensors"),
    ("torch::dstack -unknown [list $a]", "Unknown parameter: -unknown"),
    ("torch::dstack -tensors [list]", "Missing required parameter: tensors"),
    ("torch::column_stack invalid_tensor", "Invalid tensor name: invalid_tensor"),
    ("torch::dsplit -sections 3", "Missing required parameter: tensor"),
    ("torch::dsplit -tensor $a -sections 2", "Input tensor must have at least 3 dimensions"),
    ("torch::vsplit $v 1", "Input tensor must have at least 2 dimensions"),
    ("torch::dsplit -tensor $x -sections 0", "Number of sections must be positive"),
    ("torch::hsplit -tensor $x", "Missing required parameter: sections_or_indices"),
    ("torch::hsplit -tensor $x -sections 3 -indices {1}",
     "Give either -sections or -indices, not both"),
    ("torch::tensor_cat", "Required parameters missing: at least 2 tensors and dimension"),
    ("torch::tensor_cat [list invalid_tensor $a] 0", "Invalid tensor name: invalid_tensor $a"),
    ("torch::tensor_cat -tensors [list $a $b] -dim 0 -unknown_param value",
     "Unknown parameter: -unknown_param"),
    ("torch::tensor_stack {} 0", "Missing required parameter: tensors"),
    ("torch::tensor_split invalid_tensor 3", "Invalid tensor name"),
    ("torch::tensor_split", "Invalid number of arguments"),
    ("torch::tensor_split $v {}",
     "Required parameters missing: input tensor and sections/indices are required"),
    ("torch::tensor_split -invalid $v -sections 3", "Unknown parameter: -invalid"),
    ("torch::tensor_split -input $v -sections", "Missing value for parameter"),
    ("torch::tensor_split -input $v -sections 3 -dim invalid", "Invalid dimension value"),
    ("torch::tensor_split $v 1 2 3", "Invalid number of arguments"),
    ("torch::tensor_expand -sizes {2 2}", "Required parameters missing: -input and -sizes"),
    ("torch::tensor_expand -input bad_tensor -sizes {2 2}", "Invalid tensor name"),
    ("torch::tensor_permute", "Required parameters missing: input and dims"),
    ("torch::tensor_permute invalid_tensor {0 1 2}", "Invalid tensor name"),
    ("torch::tensor_permute -input $a -dims {0} -unknown_param value",
     "Unknown parameter: -unknown_param"),
    ("torch::tensor_repeat invalid_tensor {2 3}", "Invalid tensor name"),
    ("torch::tensor_repeat $a", "Invalid number of arguments"),
    ("torch::tensor_repeat $a {}",
     "Required parameters missing: input tensor and repeats are required"),
    ("torch::tensor_repeat -invalid $a -repeats {2}", "Unknown parameter: -invalid"),
    ("torch::tensor_repeat -input $a -repeats", "Missing value for parameter"),
    ("torch::combinations -r 2", "Required parameter -input missing"),
    ("torch::combinations invalid_tensor", "Invalid input tensor"),
    ("torch::combinations -input $v -invalid_param value", "Unknown parameter: -invalid_param"),
    ("torch::combinations -input $v -r invalid", "Invalid -r parameter"),
    ("torch::unsqueeze_multiple", "Required parameters missing: tensor, dims"),
    ("torch::unsqueeze_multiple $a {}", "Invalid dims: the list is empty"),
    ("torch::unsqueeze_multiple $a {3}",
     "Dimension out of range (expected to be in range of [-3, 2], but got 3)"),
    ("torch::unsqueeze_multiple $a {1 -3}", "dim -3 appears multiple times in the list of dims"),
    ("torch::meshgrid -tensors [list $w] -indexing ab", 'bad value "ab": must be ij, xy'),
    ("torch::broadcast_tensors", "Required parameter missing: tensors"),
    ("torch::cartesian_prod -tensors {}", "Missing required parameter: tensors"),
    ("torch::broadcast_shapes {2 -1}",
     'bad shapes "2 -1": Invalid shape: 2 -1 (dimensions must be non-negative)'),
    ("torch::broadcast_shapes -shapes {{2 1} {3 x}}",
     'bad -shapes "3 x": expected integer but got "x"'),
]


@pytest.mark.parametrize("script, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_error_texts(env, script, message):
    tcl, _ = env
    assert tcl.error(script).message == message.replace("$a", tcl("set a"))


@pytest.mark.parametrize("script, fragment", [
    ("torch::hstack $a $c $v", "Tensors must have same number of dimensions"),
    ("torch::tensor_cat [list $a $c] 0", "Sizes of tensors must match except in dimension 0"),
    ("torch::tensor_expand $a {2 3}", "The expanded size of the tensor"),
    ("torch::broadcast_tensors $a $v", "The size of tensor a (4) must match"),
    ("torch::hsplit $x 4", "not divisible by the split_size 4"),
    ("torch::combinations $a", "Expect a 1D vector"),
    ("torch::meshgrid $w $k", "meshgrid expects all tensors to have the same dtype"),
    ("torch::tensor_permute $x {0 1}", "number of dimensions in the tensor input does not match"),
])
def test_pytorch_errors_come_through(env, script, fragment):
    tcl, _ = env
    assert fragment in tcl.error(script).message


def test_tensor_split_reads_a_word_as_count_or_indices(env):
    """One integer is a number of sections; a list gives split points; -indices is always a list.
    """
    tcl, T = env
    assert tcl("llength [torch::tensor_split $w 2]") == "2"
    assert tcl("llength [torch::tensor_split $w {2 3}]") == "3"
    parts = tcl.interp.tk.splitlist(tcl("torch::tensor_split -input $w -indices 4"))
    assert [tcl.interp.tensor(h).tolist() for h in parts] == [[0, 1, 2, 3], [4]]
