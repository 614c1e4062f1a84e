"""The linear algebra commands against the PyTorch calls they make: values, dtype and shape on
seeded random inputs (batched, float64, non-contiguous, broadcast, empty), each command in its
positional and named syntax and by its camelCase name, autograd, and the pages' error texts."""

import pytest
import torch
from conftest import assert_same, check_case, rnd

F64 = torch.float64


def spd(g, *shape, dtype=torch.float32):
    """Symmetric positive definite matrices, well conditioned: A A^T + n I."""
    a = rnd(g, *shape, dtype=dtype)
    return a @ a.mT + shape[-1] * torch.eye(shape[-1], dtype=dtype)


def upper(g, *shape, dtype=torch.float32):
    """Upper triangular, its diagonal well away from zero."""
    return torch.triu(rnd(g, *shape, dtype=dtype)) + 3 * torch.eye(shape[-1], dtype=dtype)


def shifted(g, *shape, dtype=torch.float32):
    """Square matrices with a shifted diagonal: comfortably invertible."""
    return rnd(g, *shape, dtype=dtype) + 4 * torch.eye(shape[-1], dtype=dtype)


def lu_inputs(g):
    lu, pivots = torch.linalg.lu_factor(shifted(g, 2, 3, 3, dtype=F64))
    return {"B": rnd(g, 2, 3, 2, dtype=F64), "LU": lu, "piv": pivots}


def low_rank(g, dtype=F64):
    return rnd(g, 4, 2, dtype=dtype) @ rnd(g, 2, 5, dtype=dtype)


# PyTorch 2.13's backward of linalg.cond in a norm other than 2 fails ("modified by an inplace
# operation"), the same called directly: those cases check only that the result has a grad_fn.
NO_BACKWARD = "grad_fn only"

# (id, inputs (a function of a seeded generator), scripts that must all give `expected`,
#  expected (a function of the inputs), differentiable)
CASES = [
    ("dot", lambda g: {"a": rnd(g, 5, dtype=F64), "b": rnd(g, 5, dtype=F64)},
     ["torch::dot $a $b", "torch::dot -input $a -other $b", "torch::dot -other $b -tensor $a"],
     lambda a, b: torch.dot(a, b), True),
    ("dot-empty", lambda g: {"a": torch.zeros(0), "b": torch.zeros(0)},
     ["torch::dot $a $b"], lambda a, b: torch.dot(a, b), False),
    ("outer", lambda g: {"a": rnd(g, 3), "b": rnd(g, 4)},
     ["torch::outer $a $b", "torch::outer -input $a -other $b", "torch::Outer $a $b"],
     lambda a, b: torch.outer(a, b), True),
    ("kron", lambda g: {"a": rnd(g, 2, 3), "b": rnd(g, 2, 2)},
     ["torch::kron $a $b", "torch::kron -input $a -other $b"],
     lambda a, b: torch.kron(a, b), True),
    # torch.kron itself fails on a transposed input ("view size is not compatible"); the command
    # gives the product of the same values
    ("kron-transposed", lambda g: {"a": rnd(g, 3, 2).mT, "b": rnd(g, 2, 2)},
     ["torch::kron $a $b"], lambda a, b: torch.kron(a.contiguous(), b), True),
    ("tensor_bmm", lambda g: {"a": rnd(g, 3, 2, 4), "b": rnd(g, 3, 5, 4).mT},
     ["torch::tensor_bmm $a $b", "torch::tensor_bmm -input $a -other $b",
      "torch::tensorBmm -input $a -other $b", "torch::tensor_bmm -tensor1 $a -tensor2 $b"],
     lambda a, b: torch.bmm(a, b), True),
    ("cross-broadcast", lambda g: {"a": rnd(g, 4, 3), "b": rnd(g, 1, 3)},
     ["torch::cross $a $b", "torch::cross -input $a -other $b -dim -1",
      "torch::cross -tensor $a -other $b"], lambda a, b: torch.linalg.cross(a, b), True),
    ("cross-dim0", lambda g: {"a": rnd(g, 3, 5, dtype=F64), "b": rnd(g, 5, 3, dtype=F64).mT},
     ["torch::cross $a $b 0", "torch::cross -input $a -other $b -dim 0"],
     lambda a, b: torch.linalg.cross(a, b, dim=0), True),
    ("diag-vector", lambda g: {"v": rnd(g, 4)},
     ["torch::diag $v 1", "torch::diag -input $v -diagonal 1"],
     lambda v: torch.diag(v, 1), True),
    ("diag-matrix", lambda g: {"m": rnd(g, 3, 4, dtype=F64).mT},
     ["torch::diag $m -1", "torch::diag -diagonal -1 -input $m"],
     lambda m: torch.diag(m, -1), True),
    ("diag-int", lambda g: {"m": torch.arange(9).reshape(3, 3)},
     ["torch::diag $m", "torch::diag -tensor $m"], lambda m: torch.diag(m), False),
    ("diag-empty", lambda g: {"v": torch.zeros(0)}, ["torch::diag $v"],
     lambda v: torch.diag(v), False),
    ("diagflat", lambda g: {"t": rnd(g, 2, 3)},
     ["torch::diagflat $t -2", "torch::diagFlat -input $t -offset -2"],
     lambda t: torch.diagflat(t, -2), True),
    ("tril", lambda g: {"m": rnd(g, 2, 4, 4).mT},
     ["torch::tril $m", "torch::tril -input $m -diagonal 0"], lambda m: torch.tril(m), True),
    ("tril-offset", lambda g: {"m": rnd(g, 3, 5, dtype=F64)},
     ["torch::tril $m 1", "torch::tril -input $m -diagonal 1"],
     lambda m: torch.tril(m, 1), True),
    ("tril-empty", lambda g: {"m": torch.zeros(0, 3)}, ["torch::tril $m"],
     lambda m: torch.tril(m), False),
    ("triu", lambda g: {"m": rnd(g, 2, 4, 4).mT},
     ["torch::triu $m -1", "torch::triu -input $m -diagonal -1"],
     lambda m: torch.triu(m, -1), True),
    ("trace", lambda g: {"m": rnd(g, 5, 3, dtype=F64).mT},
     ["torch::trace $m", "torch::trace -input $m", "torch::Trace $m"],
     lambda m: torch.trace(m), True),
    ("einsum-matmul", lambda g: {"a": rnd(g, 2, 3), "b": rnd(g, 3, 4)},
     ["torch::einsum ij,jk->ik $a $b", "torch::einsum -equation ij,jk->ik -tensors [list $a $b]",
      "torch::Einsum {ij,jk->ik} $a $b"], lambda a, b: torch.einsum("ij,jk->ik", a, b), True),
    ("einsum-one", lambda g: {"x": rnd(g, 2, 3, 4, dtype=F64).mT},
     ["torch::einsum bij->bji $x", "torch::einsum -equation bij->bji -tensors $x"],
     lambda x: torch.einsum("bij->bji", x), True),
    ("einsum-trace", lambda g: {"m": rnd(g, 3, 3)}, ["torch::einsum ii-> $m"],
     lambda m: torch.einsum("ii->", m), True),
    ("tensordot", lambda g: {"a": rnd(g, 3, 4, 5), "b": rnd(g, 3, 4, 2)},
     ["torch::tensordot $a $b {0 1}", "torch::tensordot -a $a -b $b -dims {0 1}",
      "torch::tensorDot -a $a -b $b -dims {-3 -2}"],
     lambda a, b: torch.tensordot(a, b, dims=([0, 1], [0, 1])), True),
    ("tensordot-one", lambda g: {"a": rnd(g, 4, dtype=F64), "b": rnd(g, 4, dtype=F64)},
     ["torch::tensordot $a $b 0"], lambda a, b: torch.tensordot(a, b, dims=([0], [0])), True),
    ("matrix_power", lambda g: {"m": shifted(g, 2, 3, 3, dtype=F64)},
     ["torch::matrix_power $m 3", "torch::matrix_power -input $m -n 3",
      "torch::matrixPower $m -n 3"], lambda m: torch.linalg.matrix_power(m, 3), True),
    ("matrix_power-negative", lambda g: {"m": shifted(g, 3, 3).mT},
     ["torch::matrix_power $m -2"], lambda m: torch.linalg.matrix_power(m, -2), True),
    ("matrix_power-int", lambda g: {"m": torch.tensor([[1, 1], [1, 0]])},
     ["torch::matrix_power $m 0", "torch::matrix_power $m 0"],
     lambda m: torch.linalg.matrix_power(m, 0), False),
    ("tensor_cholesky", lambda g: {"a": spd(g, 2, 3, 3)},
     ["torch::tensor_cholesky $a", "torch::tensorCholesky -input $a",
      "torch::tensor_cholesky -tensor $a -upper 0"], lambda a: torch.linalg.cholesky(a), True),
    ("tensor_cholesky-upper", lambda g: {"a": spd(g, 4, 4, dtype=F64)},
     ["torch::tensor_cholesky $a 1", "torch::tensor_cholesky -input $a -upper true"],
     lambda a: torch.linalg.cholesky(a, upper=True), True),
    ("tensor_pinv", lambda g: {"m": rnd(g, 4, 3)},
     ["torch::tensor_pinv $m", "torch::tensorPinv -input $m -rcond 1e-15",
      "torch::tensor_pinv -tensor $m"], lambda m: torch.linalg.pinv(m, rcond=1e-15), True),
    ("tensor_pinv-rcond", lambda g: {"m": low_rank(g)},
     ["torch::tensor_pinv $m 1e-6", "torch::tensor_pinv -input $m -rcond 1e-6"],
     lambda m: torch.linalg.pinv(m, rcond=1e-6), False),
    ("tensor_matrix_exp", lambda g: {"m": 0.5 * rnd(g, 2, 3, 3)},
     ["torch::tensor_matrix_exp $m", "torch::tensorMatrixExp -input $m",
      "torch::tensor_matrix_exp -tensor $m"], lambda m: torch.linalg.matrix_exp(m), True),
    ("cholesky_solve", lambda g: {"B": rnd(g, 2, 3, 2), "L": torch.linalg.cholesky(spd(g, 3, 3))},
     ["torch::cholesky_solve $B $L", "torch::choleskySolve -b $B -l $L",
      "torch::cholesky_solve -B $B -L $L -upper 0"],
     lambda B, L: torch.cholesky_solve(B, L), True),
    ("cholesky_solve-upper",
     lambda g: {"B": rnd(g, 3, 2, dtype=F64),
                "U": torch.linalg.cholesky(spd(g, 3, 3, dtype=F64), upper=True)},
     ["torch::cholesky_solve $B $U 1", "torch::cholesky_solve -upper true -l $U -b $B"],
     lambda B, U: torch.cholesky_solve(B, U, upper=True), True),
    ("lstsq", lambda g: {"A": rnd(g, 5, 3, dtype=F64), "B": rnd(g, 5, 2, dtype=F64)},
     ["torch::lstsq $B $A", "torch::lstsq -b $B -a $A", "torch::leastSquares -B $B -A $A"],
     lambda A, B: torch.linalg.lstsq(A, B).solution, True),
    ("lstsq-rcond", lambda g: {"A": low_rank(g).mT, "B": rnd(g, 5, 1, dtype=F64)},
     ["torch::lstsq $B $A 1e-10", "torch::lstsq -b $B -a $A -rcond 1e-10"],
     lambda A, B: torch.linalg.lstsq(A, B, rcond=1e-10).solution, False),
    ("lu_solve", lu_inputs,
     ["torch::lu_solve $B $LU $piv", "torch::luSolve -B $B -LU_data $LU -LU_pivots $piv",
      "torch::lu_solve -b $B -luData $LU -luPivots $piv"],
     lambda B, LU, piv: torch.linalg.lu_solve(LU, piv, B), True),
    ("solve_triangular", lambda g: {"B": rnd(g, 2, 3, 2), "U": upper(g, 3, 3)},
     ["torch::solve_triangular $B $U", "torch::solve_triangular $B $U 1 1 0",
      "torch::solveTriangular -B $B -A $U -upper 1 -left 1 -unitriangular 0"],
     lambda B, U: torch.linalg.solve_triangular(U, B, upper=True), True),
    ("solve_triangular-lower", lambda g: {"B": rnd(g, 3, 2, dtype=F64),
                                          "L": upper(g, 3, 3, dtype=F64).mT},
     ["torch::solve_triangular $B $L 0", "torch::solve_triangular -b $B -a $L -upper false"],
     lambda B, L: torch.linalg.solve_triangular(L, B, upper=False), True),
    ("solve_triangular-right", lambda g: {"B": rnd(g, 2, 3), "U": upper(g, 3, 3)},
     ["torch::solve_triangular $B $U 1 0", "torch::solve_triangular -B $B -A $U -left 0"],
     lambda B, U: torch.linalg.solve_triangular(U, B, upper=True, left=False), True),
    ("solve_triangular-unit", lambda g: {"B": rnd(g, 3, 2), "U": upper(g, 3, 3)},
     ["torch::solve_triangular $B $U 1 1 1",
      "torch::solve_triangular -B $B -A $U -unitriangular 1"],
     lambda B, U: torch.linalg.solve_triangular(U, B, upper=True, unitriangular=True), True),
    ("tensor_norm", lambda g: {"t": rnd(g, 3, 4)},
     ["torch::tensor_norm $t", "torch::tensorNorm -tensor $t", "torch::tensor_norm -input $t -p 2"],
     lambda t: torch.norm(t), True),
    ("tensor_norm-dim", lambda g: {"t": rnd(g, 4, 3, dtype=F64).mT},
     ["torch::tensor_norm $t 1 -1", "torch::tensor_norm -tensor $t -p 1 -dim -1"],
     lambda t: torch.norm(t, 1, -1), True),
    ("tensor_norm-inf", lambda g: {"t": rnd(g, 3, 4)},
     ["torch::tensor_norm $t inf", "torch::tensor_norm -tensor $t -p inf"],
     lambda t: torch.linalg.vector_norm(t, float("inf")), True),
    ("vector_norm", lambda g: {"t": rnd(g, 2, 3, 4, dtype=F64)},
     ["torch::vector_norm $t", "torch::vectorNorm -input $t", "torch::vector_norm $t fro"],
     lambda t: torch.linalg.vector_norm(t), True),
    ("vector_norm-dims", lambda g: {"t": rnd(g, 2, 4, 3).mT},
     ["torch::vector_norm $t 3 {0 2} 1",
      "torch::vector_norm -input $t -ord 3 -dim {0 2} -keepdim true"],
     lambda t: torch.linalg.vector_norm(t, 3, (0, 2), True), True),
    ("vector_norm-neg-inf", lambda g: {"t": rnd(g, 2, 5)},
     ["torch::vector_norm $t -inf -1", "torch::vector_norm -tensor $t -ord -inf -dim -1"],
     lambda t: torch.linalg.vector_norm(t, float("-inf"), -1), True),
    ("vector_norm-empty", lambda g: {"t": torch.zeros(0)}, ["torch::vector_norm $t"],
     lambda t: torch.linalg.vector_norm(t), False),
    ("matrix_norm", lambda g: {"t": rnd(g, 2, 3, 4)},
     ["torch::matrix_norm $t", "torch::matrixNorm -input $t -ord fro",
      "torch::matrix_norm $t fro {}"], lambda t: torch.linalg.matrix_norm(t), True),
    ("matrix_norm-nuc", lambda g: {"t": rnd(g, 3, 4, dtype=F64).mT},
     ["torch::matrix_norm $t nuc", "torch::matrix_norm -input $t -ord nuc"],
     lambda t: torch.linalg.matrix_norm(t, "nuc"), True),
    ("matrix_norm-dims", lambda g: {"t": rnd(g, 2, 3, 4)},
     ["torch::matrix_norm $t 2 {0 2} 1",
      "torch::matrix_norm -input $t -ord 2 -dim {0 -1} -keepdim 1"],
     lambda t: torch.linalg.matrix_norm(t, 2, (0, 2), True), True),
    ("matrix_norm-inf", lambda g: {"t": rnd(g, 3, 3)},
     ["torch::matrix_norm $t -inf", "torch::matrix_norm -input $t -ord -inf"],
     lambda t: torch.linalg.matrix_norm(t, float("-inf")), True),
    ("cond", lambda g: {"m": shifted(g, 2, 3, 3)},
     ["torch::cond $m", "torch::cond -input $m", "torch::cond -tensor $m -p 2"],
     lambda m: torch.linalg.cond(m), True),
    ("cond-fro", lambda g: {"m": shifted(g, 3, 3, dtype=F64).mT},
     ["torch::cond $m fro", "torch::cond -tensor $m -norm fro"],
     lambda m: torch.linalg.cond(m, "fro"), NO_BACKWARD),
    ("cond-one", lambda g: {"m": shifted(g, 3, 3)},
     ["torch::cond $m 1", "torch::cond -input $m -p 1.0"],
     lambda m: torch.linalg.cond(m, 1), NO_BACKWARD),
    ("cond-neg-inf", lambda g: {"m": shifted(g, 3, 3)},
     ["torch::cond $m -inf", "torch::cond -input $m -norm -inf"],
     lambda m: torch.linalg.cond(m, float("-inf")), NO_BACKWARD),
    ("matrix_rank", lambda g: {"m": low_rank(g)},
     ["torch::matrix_rank $m", "torch::matrixRank -input $m", "torch::matrix_rank $m 1e-12 0"],
     lambda m: torch.linalg.matrix_rank(m, atol=1e-12, rtol=0), False),
    ("matrix_rank-tol", lambda g: {"m": torch.diag(torch.tensor([3.0, 1e-3, 1e-9]))},
     ["torch::matrix_rank $m 1e-4", "torch::matrix_rank -input $m -tolerance 1e-4",
      "torch::matrix_rank $m -tol 1e-4"],
     lambda m: torch.linalg.matrix_rank(m, atol=1e-4, rtol=0), False),
    ("matrix_rank-hermitian", lambda g: {"m": spd(g, 2, 3, 3)},
     ["torch::matrix_rank $m 1e-12 1", "torch::matrix_rank -input $m -hermitian 1"],
     lambda m: torch.linalg.matrix_rank(m, atol=1e-12, rtol=0, hermitian=True), False),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(shared, case):
    check_case(shared, case)


GRAD_CASES = [c for c in CASES if c[4]]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_autograd(shared, case):
    """The result carries a grad_fn, and its gradients are PyTorch's."""
    tcl = shared
    _, make, scripts, expected, _ = case
    inputs = make(torch.Generator().manual_seed(11))
    leaves = {k: v.detach().clone().requires_grad_(v.is_floating_point())
              for k, v in inputs.items()}
    twins = {k: v.detach().clone().requires_grad_(v.is_floating_point())
             for k, v in inputs.items()}
    tcl.load(leaves)
    got = tcl.interp.tensor(tcl(scripts[0]))
    assert got.grad_fn is not None
    if case[4] == NO_BACKWARD:
        return
    got.sum().backward()
    expected(**twins).sum().backward()
    for k, leaf in leaves.items():
        if leaf.requires_grad:
            torch.testing.assert_close(leaf.grad, twins[k].grad, rtol=1e-5, atol=1e-5)


def _dict(tcl, script):
    words = tcl(script).split()
    return {k: tcl.interp.tensor(h) for k, h in zip(words[::2], words[1::2], strict=True)}


def _same_all(got, want):
    assert list(got) == list(want)
    for k in want:
        assert_same(got[k], want[k])


@pytest.mark.parametrize("script", ["torch::tensor_qr $m", "torch::tensorQr -tensor $m",
                                    "torch::tensor_qr -input $m -some 1"])
def test_tensor_qr(tcl, script):
    m = rnd(torch.Generator().manual_seed(3), 2, 4, 3)
    tcl(f"set m {tcl.interp.put(m)}")
    q, r = torch.linalg.qr(m)
    _same_all(_dict(tcl, script), {"Q": q, "R": r})


def test_tensor_qr_complete_and_autograd(tcl):
    m = rnd(torch.Generator().manual_seed(4), 4, 3, dtype=F64).mT    # 3 x 4, non-contiguous
    tcl(f"set m {tcl.interp.put(m)}")
    q, r = torch.linalg.qr(m, mode="complete")
    _same_all(_dict(tcl, "torch::tensor_qr $m 0"), {"Q": q, "R": r})
    leaf = rnd(torch.Generator().manual_seed(4), 3, 3).requires_grad_()
    tcl(f"set x {tcl.interp.put(leaf)}")
    assert _dict(tcl, "torch::tensor_qr $x")["Q"].grad_fn is not None


@pytest.mark.parametrize("script, full", [("torch::tensor_svd $m", True),
                                          ("torch::tensorSvd -input $m", True),
                                          ("torch::tensor_svd -tensor $m -some 0", True),
                                          ("torch::tensor_svd $m 1", False),
                                          ("torch::tensor_svd -input $m -some true", False)])
def test_tensor_svd(tcl, script, full):
    m = rnd(torch.Generator().manual_seed(5), 2, 4, 3)
    tcl(f"set m {tcl.interp.put(m)}")
    u, s, vh = torch.linalg.svd(m, full_matrices=full)
    got = _dict(tcl, script)
    _same_all(got, {"U": u, "S": s, "V": vh.mH})
    assert got["U"].shape == ((2, 4, 4) if full else (2, 4, 3))
    torch.testing.assert_close(got["U"][..., :3] * got["S"].unsqueeze(-2) @ got["V"].mH, m,
                               rtol=1e-5, atol=1e-5)


def test_tensor_svd_values_only_and_autograd(tcl):
    m = rnd(torch.Generator().manual_seed(6), 3, 5, dtype=F64)
    tcl(f"set m {tcl.interp.put(m)}")
    _same_all(_dict(tcl, "torch::tensor_svd -input $m -compute_uv 0"),
              {"S": torch.linalg.svdvals(m)})
    leaf = m.clone().requires_grad_()
    tcl(f"set x {tcl.interp.put(leaf)}")
    got = _dict(tcl, "torch::tensor_svd $x -some 1")
    assert all(t.grad_fn is not None for t in got.values())


@pytest.mark.parametrize("script", ["torch::tensor_eigen $m", "torch::tensorEigen -input $m",
                                    "torch::tensor_eigen -tensor $m -eigenvectors 1"])
def test_tensor_eigen(tcl, script):
    m = spd(torch.Generator().manual_seed(8), 2, 4, 4, dtype=F64)
    tcl(f"set m {tcl.interp.put(m)}")
    w, v = torch.linalg.eigh(m)
    _same_all(_dict(tcl, script), {"eigenvalues": w, "eigenvectors": v})


def test_tensor_eigen_values_only_and_autograd(tcl):
    m = spd(torch.Generator().manual_seed(9), 3, 3)
    tcl(f"set m {tcl.interp.put(m)}")
    _same_all(_dict(tcl, "torch::tensor_eigen $m 0"),
              {"eigenvalues": torch.linalg.eigvalsh(m)})
    tcl(f"set x {tcl.interp.put(m.clone().requires_grad_())}")
    assert _dict(tcl, "torch::tensor_eigen $x")["eigenvalues"].grad_fn is not None


def test_results_are_meaningful(tcl):
    """A few values worked out by hand, so the comparisons above cannot agree on nonsense."""
    assert tcl("torch::tensor_item [torch::dot [torch::tensor_create {1 2 3}] "
               "[torch::tensor_create {4 5 6}]]") == "32.000000"
    assert tcl("torch::tensor_item [torch::trace [torch::tensor_create {{1 2} {3 4}}]]") == \
        "5.000000"
    # The default tolerance is an absolute 1e-12, below float32's rounding of a rank-1 matrix's
    # zero singular values (4e-8 with MKL's AVX-512 kernels): hence a diagonal matrix, and an
    # explicit tolerance for the rank-1 one.
    assert tcl("torch::tensor_item [torch::matrix_rank [torch::tensor_create "
               "{{1 0 0} {0 2 0} {0 0 0}}]]") == "2"
    assert tcl("torch::tensor_item [torch::matrix_rank [torch::tensor_create "
               "{{1 2 3} {2 4 6} {3 6 9}}] 1e-4]") == "1"
    assert tcl("torch::tensor_item [torch::tensordot [torch::tensor_create {{1 2} {3 4}}] "
               "[torch::tensor_create {{5 6} {7 8}}] {0 1}]") == "70.000000"
    assert tcl("torch::tensor_item [torch::vector_norm [torch::tensor_create {3 -4 2}] inf]") == \
        "4.000000"


# The pages' error texts (and PyTorch's, where the page quotes them).
ERRORS = [
    ("torch::cholesky_solve",
     "Usage: torch::cholesky_solve B L ?upper? | torch::choleskySolve -b tensor -l tensor "
     "-upper bool"),
    ("torch::cholesky_solve nosuch $L", "Invalid B tensor"),
    ("torch::cholesky_solve $B nosuch", "Invalid L tensor"),
    ("torch::cholesky_solve -b $B -l $L -invalid_param value",
     "Unknown parameter: -invalid_param. Valid parameters are: -b, -B, -l, -L, -upper"),
    ("torch::cholesky_solve -b $B -l $L -upper invalid_value", "Invalid upper parameter value"),
    ("torch::cond nosuch", "Invalid input tensor"),
    ("torch::cond $m invalid_norm", "Invalid p parameter: must be a number or 'fro' or 'nuc'"),
    ("torch::cond", "Usage: torch::cond tensor ?p?"),
    ("torch::cross nosuch $v", "Invalid input tensor"),
    ("torch::diag nosuch", "Invalid input tensor"),
    ("torch::diag -invalid_param $m", "Unknown parameter: -invalid_param"),
    ("torch::diag $m invalid_offset", "Invalid diagonal value"),
    ("torch::diagflat nosuch", "Invalid input tensor"),
    ("torch::diagflat $m invalid_offset", "Invalid offset value"),
    ("torch::dot -input nosuch -other $v", "Invalid input tensor"),
    ("torch::dot -input $v", "Required parameters missing: input and other"),
    ("torch::dot -input $v -unknown $v", "Unknown parameter: -unknown"),
    ("torch::einsum ij", "Required parameter missing: tensors"),
    ("torch::einsum {} $m", "Equation string cannot be empty"),
    ("torch::einsum ij->ji nosuch", "Invalid tensor name"),
    ("torch::kron", "Usage: kron input other"),
    ("torch::kron nosuch $v", "Invalid input tensor"),
    ("torch::kron -input $v -other $v -invalid param", "Unknown parameter: -invalid"),
    ("torch::lstsq $B $m -1", "Invalid rcond value: -1 (it must not be negative)"),
    ("torch::lu_solve -B $B -LU_data $m",
     "Required parameters missing: B, LU_data and LU_pivots"),
    ("torch::lu_solve -B $B -LU_data nosuch -LU_pivots $v", "Invalid tensor name"),
    ("torch::matrix_power $m 1.5", "Invalid n value"),
    ("torch::matrix_rank $m x", "Invalid tol value"),
    ("torch::matrix_norm $m frobenius", "Invalid ord value"),
    ("torch::solve_triangular -A $m", "Required parameters missing: B and A tensors required"),
    ("torch::solve_triangular -B $B -A invalid", "Invalid A tensor"),
    ("torch::solve_triangular -B $B -A $m -upper invalid", "Invalid upper parameter value"),
    ("torch::solve_triangular -B $B -A $m -left x", "Invalid left parameter value"),
    ("torch::tensor_bmm nosuch $m", "Invalid input tensor name"),
    ("torch::tensor_bmm $m nosuch", "Invalid other tensor name"),
    ("torch::tensor_bmm", "Required parameters missing: input and other"),
    ("torch::tensor_bmm -input $m -other $m -unknown_param value",
     "Unknown parameter: -unknown_param"),
    ("torch::tensor_cholesky nosuch", "Invalid tensor name"),
    ("torch::tensor_cholesky",
     "Usage: torch::tensor_cholesky tensor | torch::tensor_cholesky -input tensor"),
    ("torch::tensor_cholesky -param $m",
     "Unknown parameter: -param. Valid parameters are: -input, -tensor, -upper"),
    ("torch::tensor_eigen", "Required parameter missing: -input"),
    ("torch::tensor_eigen invalid_tensor", "Invalid tensor name"),
    ("torch::tensor_eigen -unknown $m", "Unknown parameter: -unknown"),
    ("torch::tensor_matrix_exp", "Required parameter missing: -input"),
    ("torch::tensor_matrix_exp -input bad_tensor", "Invalid tensor name"),
    ("torch::tensor_norm nosuch", "Tensor not found"),
    ("torch::tensor_norm $m x", "Invalid p value"),
    ("torch::tensor_norm $m 2 x", "Invalid dim value"),
    ("torch::tensor_norm", "Usage: torch::tensor_norm tensor ?p? ?dim?"),
    ("torch::tensor_pinv", "Required input parameter missing"),
    ("torch::tensor_pinv invalid_tensor", "Invalid tensor name"),
    ("torch::tensor_pinv -unknown $m", "Unknown parameter: -unknown"),
    ("torch::tensor_qr", "Usage: torch::tensor_qr tensor | torch::tensor_qr -tensor tensor"),
    ("torch::tensor_qr nonexistent_tensor", "Invalid tensor name"),
    ("torch::tensor_qr $m 1 extra_arg", "Usage: torch::tensor_qr tensor ?some?"),
    ("torch::tensor_svd", "Required input parameter missing"),
    ("torch::tensor_svd invalid_tensor", "Invalid tensor name"),
    ("torch::tensor_svd -invalid tensor", "Unknown parameter: -invalid"),
    ("torch::tensordot", "Required parameters missing: a, b, and dims required"),
    ("torch::tensordot nosuch $m {0 1}", "Invalid tensor a"),
    ("torch::tensordot $m nosuch {0 1}", "Invalid tensor b"),
    ("torch::trace", "Required parameters missing: input tensor required"),
    ("torch::trace invalid_tensor", "Invalid input tensor"),
    ("torch::trace -input $m -invalid param",
     "Unknown parameter: -invalid. Valid parameters are: -input"),
    ("torch::tril nosuch", "Invalid input tensor"),
    ("torch::triu $m x", "Invalid diagonal value"),
    ("torch::vector_norm nonexistent", "Invalid input tensor"),
    ("torch::vector_norm -ord 2.0", "Required parameter missing: -input"),
    ("torch::vector_norm -input $v -ord invalid", "Invalid ord value"),
]


@pytest.mark.parametrize("script, message", ERRORS, ids=[s for s, _ in ERRORS])
def test_error_texts(shared, script, message):
    tcl = shared
    tcl("set m [torch::ones {2 2}]; set v [torch::ones {3}]; set B [torch::ones {2 1}]; "
        "set L [torch::eye 2]")
    assert tcl.error(script).message == message


# PyTorch's own errors, as the pages quote them.
TORCH_ERRORS = [
    ("torch::tensordot $a $a {0 0}", "dim 0 appears multiple times in the list of dims"),
    ("torch::tensordot $a $b {1 0}", "contracted dimensions need to match, but first has size 3 "
     "in dim 1 and second has size 2 in dim 1"),
    ("torch::tensor_eigen $a", "linalg.eigh: A must be batches of square matrices"),
    ("torch::tensor_svd [torch::tensor_create {{1 2} {3 4}} int32]",
     "linalg.svd: Expected a floating point or complex tensor"),
    ("torch::tensor_pinv [torch::tensor_create {1.0}]",
     "expected a tensor with 2 or more dimensions"),
    ("torch::tensor_matrix_exp $a", "must be batches of square matrices"),
]


@pytest.mark.parametrize("script, message", TORCH_ERRORS, ids=[s for s, _ in TORCH_ERRORS])
def test_torch_errors(shared, script, message):
    tcl = shared
    tcl("set a [torch::ones {2 3}]; set b [torch::ones {2 2}]")
    e = tcl.error(script)
    assert message in e.message
    assert e.error_code.startswith("TORCH RUNTIME")


@pytest.mark.parametrize("script", ["torch::einsum ij", "torch::einsum -equation ij",
                                    "torch::einsum -equation ij -tensors {}"])
def test_einsum_without_tensors(shared, script):
    e = shared.error(script)
    assert (e.message, e.error_code) == ("Required parameter missing: tensors",
                                         "TORCH MISSING einsum")
