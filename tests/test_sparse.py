"""The sparse commands against the PyTorch calls they make, on seeded random sparse tensors (random
coordinates, duplicates, no stored values, hybrid, CSR and CSC): values, dtype, shape and layout,
each command in its positional and named syntax and by its camelCase name, autograd, and the
pages' error texts."""

import warnings

import pytest
import torch
from conftest import rnd

F64 = torch.float64


def quiet(make):
    """PyTorch warns once per process that CSR/CSC support is beta: not what is tested here."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", r"Sparse \w+ tensor support is in beta state")
        return make()


def coo(g, *shape, nnz=5, dtype=torch.float32, dense_dims=0, coalesced=False):
    """A COO tensor with nnz random coordinates (duplicates likely) in shape; its last dense_dims
    dimensions are dense."""
    sparse_shape, dense_shape = shape[:len(shape) - dense_dims], shape[len(shape) - dense_dims:]
    indices = torch.stack([torch.randint(0, n, (nnz,), generator=g) for n in sparse_shape])
    values = rnd(g, nnz, *dense_shape, dtype=dtype)
    t = torch.sparse_coo_tensor(indices, values, shape, check_invariants=True)
    return t.coalesce() if coalesced else t


def csr(g, *shape, dtype=torch.float32):
    return quiet(lambda: rnd(g, *shape, dtype=dtype).relu().to_sparse_csr())


def empty_coo(*shape):
    return torch.sparse_coo_tensor(torch.zeros(len(shape), 0, dtype=torch.long), torch.zeros(0),
                                   shape, check_invariants=True)


def same(got, want, tol=1e-6):
    """Layout, dtype, shape and values (sparse ones through their dense form; a COO pair also by
    its coalesced coordinates)."""
    assert got.layout == want.layout and got.dtype == want.dtype and got.shape == want.shape
    assert got.device == want.device
    if got.layout is torch.sparse_coo:
        assert got.is_coalesced() == want.is_coalesced()
        assert torch.equal(got.coalesce().indices(), want.coalesce().indices())
    if got.layout is not torch.strided:
        got, want = quiet(got.to_dense), quiet(want.to_dense)
    if got.is_floating_point():
        torch.testing.assert_close(got, want, rtol=tol, atol=tol)
    else:
        assert torch.equal(got, want)


def reshaped(t, shape):
    """What a sparse reshape means: the dense tensor reshaped, stored at the same values."""
    return t.to_dense().reshape(shape)


# (id, inputs (a function of a seeded generator), scripts that must all give `expected`,
#  expected (a function of the inputs), differentiable)
CASES = [
    ("coalesce", lambda g: {"s": coo(g, 3, 4, nnz=8)},
     ["torch::sparse_coalesce $s", "torch::sparse_coalesce -input $s",
      "torch::sparseCoalesce -tensor $s"], lambda s: s.coalesce(), True),
    ("coalesce-hybrid", lambda g: {"s": coo(g, 3, 4, 2, nnz=6, dense_dims=1, dtype=F64)},
     ["torch::sparse_coalesce $s"], lambda s: s.coalesce(), True),
    ("coalesce-empty", lambda g: {"s": empty_coo(2, 3)},
     ["torch::sparse_coalesce $s"], lambda s: s.coalesce(), False),
    ("to_dense", lambda g: {"s": coo(g, 3, 4, nnz=7)},
     ["torch::sparse_to_dense $s", "torch::sparse_to_dense -input $s",
      "torch::sparseToDense -input $s"], lambda s: s.to_dense(), True),
    ("to_dense-csr", lambda g: {"s": csr(g, 3, 4, dtype=F64)},
     ["torch::sparse_to_dense $s"], lambda s: s.to_dense(), False),
    ("tensor_dense", lambda g: {"s": coo(g, 2, 3, 2, nnz=4, dense_dims=1)},
     ["torch::sparse_tensor_dense $s", "torch::sparse_tensor_dense -input $s",
      "torch::sparseTensorDense -input $s"], lambda s: s.to_dense(), True),
    ("tensor_dense-empty", lambda g: {"s": empty_coo(3, 2)},
     ["torch::sparse_tensor_dense $s"], lambda s: s.to_dense(), False),
    ("transpose", lambda g: {"s": coo(g, 3, 4, 5, nnz=6)},
     ["torch::sparse_transpose $s 0 2", "torch::sparse_transpose -tensor $s -dim0 0 -dim1 -1",
      "torch::sparseTranspose -input $s -dim0 2 -dim1 0"],
     lambda s: torch.transpose(s, 0, 2), True),
    ("transpose-csr", lambda g: {"s": csr(g, 3, 4)},
     ["torch::sparse_transpose $s 0 1"], lambda s: quiet(lambda: torch.transpose(s, 0, 1)),
     False),
    ("reshape", lambda g: {"s": coo(g, 3, 4, nnz=6)},
     ["torch::sparse_reshape $s {2 6}", "torch::sparse_reshape -input $s -shape {2 6}",
      "torch::sparseReshape -input $s -shape {2 6}"],
     lambda s: reshaped(s, (2, 6)).to_sparse(), True),
    ("reshape-3d", lambda g: {"s": coo(g, 2, 6, nnz=9, dtype=F64)},
     ["torch::sparse_reshape $s {3 2 2}"], lambda s: reshaped(s, (3, 2, 2)).to_sparse(), True),
    ("reshape-hybrid", lambda g: {"s": coo(g, 2, 3, 2, nnz=4, dense_dims=1)},
     ["torch::sparse_reshape $s {6 2}"], lambda s: reshaped(s, (6, 2)).to_sparse(1), True),
    ("reshape-empty", lambda g: {"s": empty_coo(2, 3)},
     ["torch::sparse_reshape $s {3 2}"], lambda s: empty_coo(3, 2).coalesce(), False),
    ("reshape-dense", lambda g: {"d": rnd(g, 2, 6).mT},
     ["torch::sparse_reshape $d {4 3}"], lambda d: d.reshape(4, 3), True),
    ("sum", lambda g: {"s": coo(g, 3, 4, nnz=6)},
     ["torch::sparse_sum $s", "torch::sparse_sum -input $s", "torch::sparseSum -input $s"],
     lambda s: torch.sparse.sum(s), True),
    ("sum-dim", lambda g: {"s": coo(g, 3, 4, nnz=6, dtype=F64)},
     ["torch::sparse_sum $s 1", "torch::sparse_sum -input $s -dim -1",
      "torch::sparseSum -input $s -dim 1"], lambda s: torch.sparse.sum(s, 1), True),
    ("sum-int", lambda g: {"s": coo(g, 4, 4, nnz=6).to(torch.int64)},
     ["torch::sparse_sum $s 0"], lambda s: torch.sparse.sum(s, 0), False),
    ("sum-empty", lambda g: {"s": empty_coo(2, 3)},
     ["torch::sparse_sum $s"], lambda s: torch.sparse.sum(s), False),
    ("softmax", lambda g: {"s": coo(g, 3, 4, nnz=7)},
     ["torch::sparse_softmax $s 1", "torch::sparse_softmax -input $s -dim 1",
      "torch::sparseSoftmax -tensor $s -dim -1"], lambda s: torch.sparse.softmax(s, 1), True),
    ("softmax-dense", lambda g: {"d": rnd(g, 4, 3).mT},
     ["torch::sparse_softmax $d 0", "torch::sparse_softmax -input $d -dim -2"],
     lambda d: torch.softmax(d, 0), True),
    ("log_softmax", lambda g: {"s": coo(g, 2, 3, 4, nnz=8, dtype=F64)},
     ["torch::sparse_log_softmax $s 2", "torch::sparse_log_softmax -input $s -dim 2",
      "torch::sparseLogSoftmax -input $s -dim -1"],
     lambda s: torch.sparse.log_softmax(s, 2), True),
    ("log_softmax-dense", lambda g: {"d": rnd(g, 2, 5)},
     ["torch::sparse_log_softmax $d 1", "torch::sparseLogSoftmax -input $d -dim 1"],
     lambda d: torch.log_softmax(d, 1), True),
    ("mm", lambda g: {"s": coo(g, 3, 4, nnz=6), "d": rnd(g, 2, 4).mT},
     ["torch::sparse_mm $s $d", "torch::sparse_mm -sparse_tensor $s -dense_tensor $d",
      "torch::sparseMm -sparseTensor $s -denseTensor $d"],
     lambda s, d: torch.sparse.mm(s, d), True),
    ("mm-csr", lambda g: {"s": csr(g, 3, 4, dtype=F64), "d": rnd(g, 4, 2, dtype=F64)},
     ["torch::sparse_mm $s $d"], lambda s, d: quiet(lambda: torch.sparse.mm(s, d)), True),
    ("mm-empty", lambda g: {"s": empty_coo(3, 4), "d": rnd(g, 4, 2)},
     ["torch::sparse_mm $s $d"], lambda s, d: torch.sparse.mm(s, d), False),
    ("add", lambda g: {"a": coo(g, 3, 4, nnz=5), "b": coo(g, 3, 4, nnz=4)},
     ["torch::sparse_add $a $b", "torch::sparse_add -tensor1 $a -tensor2 $b",
      "torch::sparseAdd -tensor2 $b -tensor1 $a -alpha 1"], lambda a, b: torch.add(a, b), True),
    ("add-alpha", lambda g: {"a": coo(g, 3, 4, nnz=5, dtype=F64), "b": coo(g, 3, 4, dtype=F64)},
     ["torch::sparse_add $a $b -0.5", "torch::sparse_add -tensor1 $a -tensor2 $b -alpha -0.5"],
     lambda a, b: torch.add(a, b, alpha=-0.5), True),
    ("add-dense-sparse", lambda g: {"a": rnd(g, 3, 4), "b": coo(g, 3, 4)},
     ["torch::sparse_add $a $b 2"], lambda a, b: torch.add(a, b, alpha=2), True),
    # PyTorch has no sparse + dense: the sparse tensor is made dense first
    ("add-sparse-dense", lambda g: {"a": coo(g, 3, 4), "b": rnd(g, 4, 3).mT},
     ["torch::sparse_add $a $b 2"], lambda a, b: torch.add(a.to_dense(), b, alpha=2), True),
    ("add-broadcast", lambda g: {"a": rnd(g, 4, 6), "b": rnd(g, 6)},
     ["torch::sparse_add $a $b", "torch::sparse_add -tensor1 $a -tensor2 $b"],
     lambda a, b: torch.add(a, b), True),
    ("add-int", lambda g: {"a": torch.arange(6).reshape(2, 3).to_sparse(),
                           "b": torch.ones(2, 3, dtype=torch.long).to_sparse()},
     ["torch::sparse_add $a $b 3"], lambda a, b: torch.add(a, b, alpha=3), False),
    ("mask", lambda g: {"d": rnd(g, 4, 3).mT, "m": coo(g, 3, 4, nnz=5, coalesced=True)},
     ["torch::sparse_mask $d $m", "torch::sparse_mask -tensor $d -mask $m",
      "torch::sparseMask -input $d -mask $m"], lambda d, m: d.sparse_mask(m), True),
    ("mask-sparse", lambda g: {"s": coo(g, 3, 4, nnz=8), "m": coo(g, 3, 4, nnz=4)},
     ["torch::sparse_mask $s $m"], lambda s, m: s.sparse_mask(m), False),
    ("mask-csr", lambda g: {"d": rnd(g, 3, 4, dtype=F64), "m": csr(g, 3, 4)},
     ["torch::sparse_mask $d $m"], lambda d, m: quiet(lambda: d.sparse_mask(m)), False),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_command_matches_torch(shared, case):
    _, make, scripts, expected, _ = case
    inputs = make(torch.Generator().manual_seed(7))
    shared.load(inputs)
    want = expected(**inputs)
    for script in scripts:
        same(quiet(lambda s=script: shared.interp.tensor(shared(s))), want)


def _grad_inputs(inputs):
    """The inputs as leaves requiring grad (sparse ones through their values: a sparse leaf's
    gradient is what PyTorch supports)."""
    return {k: v.detach().requires_grad_(v.is_floating_point()) for k, v in inputs.items()}


@pytest.mark.parametrize("case", [c for c in CASES if c[4]], ids=[c[0] for c in CASES if c[4]])
def test_autograd(shared, case):
    _, make, scripts, expected, _ = case
    inputs = _grad_inputs(make(torch.Generator().manual_seed(7)))
    shared.load(inputs)
    got = quiet(lambda: shared.interp.tensor(shared(scripts[0])))
    assert got.requires_grad and got.grad_fn is not None
    want = quiet(lambda: expected(**inputs))
    # the same backward reaches the same leaves with the same gradients
    loss_got = (got.to_dense() if got.is_sparse else got).sum()
    loss_want = (want.to_dense() if want.is_sparse else want).sum()
    leaves = [t for t in inputs.values() if t.requires_grad]
    got_grads = torch.autograd.grad(loss_got, leaves, allow_unused=True)
    want_grads = torch.autograd.grad(loss_want, leaves, allow_unused=True)
    for a, b in zip(got_grads, want_grads, strict=True):
        if b is None:
            assert a is None
        else:
            same(a.coalesce() if a.is_sparse else a, b.coalesce() if b.is_sparse else b)


# --- construction -------------------------------------------------------------------------------
def test_sparse_coo_tensor(shared):
    g = torch.Generator().manual_seed(3)
    indices = torch.stack([torch.randint(0, 4, (6,), generator=g),
                           torch.randint(0, 5, (6,), generator=g)])
    values = rnd(g, 6, dtype=F64)
    shared.load({"i": indices, "v": values})
    want = torch.sparse_coo_tensor(indices, values, (4, 5), dtype=torch.float32,
                                   check_invariants=True)
    for script in ["torch::sparse_coo_tensor $i $v {4 5}",
                   "torch::sparse_coo_tensor $i $v {4 5} float32 cpu 0",
                   "torch::sparse_coo_tensor -indices $i -values $v -size {4 5}",
                   "torch::sparseCooTensor -indices $i -values $v -size {4 5} -dtype float32"]:
        same(shared.interp.tensor(shared(script)), want)
    # dtype, requires_grad, the size inferred (API.md), coordinates written one per row
    got = shared.interp.tensor(shared(
        "torch::sparse_coo_tensor -indices $i -values $v -size {4 5} -dtype float64 "
        "-requiresGrad 1"))
    same(got, torch.sparse_coo_tensor(indices, values, (4, 5), check_invariants=True))
    assert got.requires_grad and got.is_leaf
    inferred = torch.sparse_coo_tensor(indices, values.float(), check_invariants=True)
    same(shared.interp.tensor(shared("torch::sparse_coo_tensor $i $v")), inferred)
    shared.load({"rows": indices.t().contiguous()})
    same(shared.interp.tensor(shared("torch::sparse_coo_tensor $rows $v {4 5}")), want)


def test_sparse_tensor_create(shared):
    g = torch.Generator().manual_seed(4)
    indices = torch.stack([torch.randint(0, 3, (4,), generator=g) for _ in range(3)])
    values = torch.randint(-5, 5, (4,), generator=g)        # int64: the values' dtype stays
    shared.load({"i": indices, "v": values, "rows": indices.t().contiguous()})
    want = torch.sparse_coo_tensor(indices, values, (3, 3, 3), check_invariants=True)
    for script in ["torch::sparse_tensor_create $i $v {3 3 3}",
                   "torch::sparse_tensor_create -indices $i -values $v -size {3 3 3}",
                   "torch::sparseTensorCreate -indices $rows -values $v -size {3 3 3}"]:
        same(shared.interp.tensor(shared(script)), want)
    # the page's own example: one coordinate per row, a diagonal
    shared("set d [torch::sparse_tensor_create [torch::tensor_create {{0 0} {1 1} {2 2}} int64] "
           "[torch::tensor_create {1.0 2.0 3.0}] {3 3}]")
    assert torch.equal(shared.interp.tensor(shared("torch::sparse_to_dense $d")),
                       torch.diag(torch.tensor([1.0, 2.0, 3.0])))


@pytest.mark.parametrize("name, make, first, second", [
    ("sparse_csr_tensor", torch.sparse_csr_tensor, "crow_indices", "col_indices"),
    ("sparse_csc_tensor", torch.sparse_csc_tensor, "ccol_indices", "row_indices"),
])
def test_compressed_constructors(shared, name, make, first, second):
    g = torch.Generator().manual_seed(5)
    dense = rnd(g, 3, 4, dtype=F64).relu()
    parts = quiet(lambda: dense.to_sparse_csr() if name == "sparse_csr_tensor"
                  else dense.to_sparse_csc())
    compressed, plain = ((parts.crow_indices(), parts.col_indices())
                         if name == "sparse_csr_tensor"
                         else (parts.ccol_indices(), parts.row_indices()))
    shared.load({"a": compressed, "b": plain, "v": parts.values()})
    want = quiet(lambda: make(compressed, plain, parts.values(), (3, 4), dtype=torch.float32,
                              check_invariants=True))
    camel = "torch::sparse" + name.split("_")[1].capitalize() + "Tensor"
    for script in [f"torch::{name} $a $b $v {{3 4}}",
                   f"torch::{name} -{first} $a -{second} $b -values $v -size {{3 4}}",
                   f"{camel} $a $b $v {{3 4}} float32 cpu false"]:
        same(quiet(lambda s=script: shared.interp.tensor(shared(s))), want)
    got = quiet(lambda: shared.interp.tensor(shared(
        f"torch::{name} -{first} $a -{second} $b -values $v -size {{3 4}} -dtype float64 "
        "-requires_grad 1")))
    same(got, quiet(lambda: make(compressed, plain, parts.values(), (3, 4),
                                 check_invariants=True)))
    assert got.requires_grad
    # inconsistent compressed indices are refused when made, not a crash later
    shared.load({"bad": compressed + 1})
    assert "is not satisfied" in shared.error(f"torch::{name} $bad $b $v {{3 4}}").message


def test_sparse_embedding(shared):
    idx = torch.tensor([[0, 3], [2, 0]])
    shared.load({"idx": idx, "idx32": idx.int()})
    for script, padding in [("torch::sparse_embedding $idx 5 3 -1", None),
                            ("torch::sparse_embedding $idx32 5 3", None),
                            ("torch::sparse_embedding -input $idx -num_embeddings 5 "
                             "-embedding_dim 3 -padding_idx 0", 0),
                            ("torch::sparseEmbedding -input $idx -numEmbeddings 5 "
                             "-embeddingDim 3 -paddingIdx -2", -2)]:
        torch.manual_seed(11)
        got = shared.interp.tensor(shared(script))
        torch.manual_seed(11)
        table = torch.nn.Embedding(5, 3, padding_idx=padding, sparse=True)
        same(got, table(idx))
        # a sparse table: its backward makes a sparse gradient
        assert got.grad_fn is not None and got.grad_fn._saved_sparse
        if padding is not None:          # the padding row is zero
            looked_up = got.detach()[idx == padding % 5]
            assert len(looked_up) and torch.equal(looked_up, torch.zeros_like(looked_up))


# --- sparse tensors as tensor handles -----------------------------------------------------------
def test_sparse_handles_work_with_the_tensor_commands(tcl):
    tcl.load({"s": coo(torch.Generator().manual_seed(1), 3, 4, nnz=3, dtype=F64)})
    assert tcl("torch::tensor_shape $s") == "3 4"
    assert tcl("torch::tensor_dtype $s") == "Float64"
    assert "layout=torch.sparse_coo" in tcl("torch::tensor_print $s")
    tcl("set c [torch::sparse_coalesce $s]; torch::tensor_shape $c")
    tcl("torch::free $c")
    assert "Invalid" in tcl.error("torch::sparse_to_dense $c").message


# --- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize("script, message", [
    ("torch::sparse_to_dense", "Usage: torch::sparse_to_dense sparse_tensor"),
    ("torch::sparse_tensor_dense", "Usage: torch::sparse_tensor_dense sparse_tensor"),
    ("torch::sparse_to_dense nothing", "Invalid sparse tensor"),
    ("torch::sparse_tensor_dense nothing", "Invalid sparse tensor"),
    ("torch::sparse_reshape nothing {1 4}", "Invalid sparse tensor"),
    ("torch::sparse_reshape -input $s", "Missing value for parameter"),
    ("torch::sparse_reshape -input $s -shape {1 -1}", "Invalid integer in shape list"),
    ("torch::sparse_reshape -input $s -invalid value", "Unknown parameter: -invalid"),
    ("torch::sparse_reshape $s {5 3}", "shape '[5, 3]' is invalid for input of size 12"),
    ("torch::sparse_sum nothing", "Invalid sparse tensor"),
    ("torch::sparse_sum $s x", 'expected integer but got "x"'),
    ("torch::sparse_sum $s 0 1",
     'wrong # args: should be "torch::sparse_sum sparse_tensor ?dim?"'),
    ("torch::sparse_sum $s 5", "out of range"),
    ("torch::sparse_transpose nothing 0 1", "Invalid sparse tensor"),
    ("torch::sparse_transpose $s 0 4", "out of range"),
    ("torch::sparse_tensor_create nothing $v {3 4}", "Invalid tensor handle"),
    ("torch::sparse_tensor_create $i $v {3 x}", 'expected integer but got "x"'),
    ("torch::sparse_tensor_create -indices $i",
     "Required parameters missing: indices, values and size"),
    ("torch::sparse_tensor_create -indices $i -values $v -bogus 1", "Unknown parameter: -bogus"),
    ("torch::sparse_coo_tensor $i $v {3 4} float33", "Invalid dtype: float33"),
    ("torch::sparse_coo_tensor $i $v {3 4} float32 tpu", "Invalid device: tpu"),
    ("torch::sparse_coo_tensor $i $v {3 4} float32 cpu maybe",
     'expected boolean value but got "maybe"'),
    ("torch::sparse_coo_tensor $i $v {1 1}", "size is inconsistent with indices"),
    ("torch::sparse_embedding $i 0 3", "Invalid num_embeddings: 0 (must be positive)"),
    ("torch::sparse_embedding $i 5 -3", "Invalid embedding_dim: -3 (must be positive)"),
    ("torch::sparse_embedding $i 5 3 5", "Invalid padding_idx: 5"),
    ("torch::sparse_embedding $i 5 3 -6", "Invalid padding_idx: -6"),
    ("torch::sparse_mask $s $d", "Invalid mask: it must be a sparse tensor"),
    ("torch::sparse_mask $c $s3", "expects mask to have sparse compressed layout"),
    ("torch::sparse_mask $d $s3", "incompatible"),
    ("torch::sparse_softmax $c 0",
     "_sparse_softmax is not implemented for sparse compressed (CSR/CSC) tensors"),
    ("torch::sparse_softmax -input $s", "Required parameter missing: dim"),
    ("torch::sparse_mm $s $s3", "cannot be multiplied"),
    ("torch::sparse_coalesce $d", "coalesce expected sparse coordinate tensor layout"),
    ("torch::sparse_add $s $s3", "sizes"),
])
def test_errors(shared, script, message):
    g = torch.Generator().manual_seed(2)
    shared.load({"s": coo(g, 3, 4), "s3": coo(g, 3, 3), "d": rnd(g, 3, 4), "c": csr(g, 3, 3),
                 "i": torch.tensor([[0, 1], [2, 3]]), "v": torch.tensor([1.0, 2.0])})
    assert message in shared.error(script).message
