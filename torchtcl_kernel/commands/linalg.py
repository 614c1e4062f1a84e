"""Linear algebra: products, decompositions, solvers and norms (torch.linalg).

Each command is one call of the PyTorch function named in its docstring: values, dtype, shape,
device and autograd are PyTorch's. Decompositions return a Tcl dict of tensor handles, keyed by
the factors' names ({Q q R r}, {U u S s V v}, {eigenvalues w eigenvectors v}).
"""

import torch

from ..core.errors import CommandError
from ..core.registry import UNKNOWN_LISTED, Family, param
from ..core.types import BOOL, FLOAT, INT, INT64_MIN, INTS, NORM_ORDER, STRING, TENSOR, Int
from .common import non_negative, tensor_input

linalg = Family("linalg")

# The error texts several pages share. (The pages of cholesky_solve, diagflat, tensor_cholesky,
# tensor_qr, tensor_svd and trace show a dangling option's error bare, "Missing value for
# parameter": that is registry.BARE_NO_VALUE_COMMANDS's business.)
LISTED = {"unknown": UNKNOWN_LISTED}
MISSING_OPTION = "Required parameter missing: {option}"

# --- parameters several commands share ------------------------------------------------------------
INPUT = tensor_input(invalid="Invalid input tensor")          # -input / -tensor
KEEPDIM = param("keepdim", BOOL, False)
DIMS = param("dim", INTS, None)                               # a list of dimensions; none: all
OPERANDS = (tensor_input(label="input", invalid="Invalid input tensor"),    # input other
            param("other", TENSOR, invalid="Invalid other tensor"))
RHS = param("b", TENSOR, aliases=("B",), label="B", invalid="Invalid B tensor")
UPPER = param("upper", BOOL, False, invalid="Invalid upper parameter value")


def _bool_param(name, default):
    return param(name, BOOL, default, invalid=f"Invalid {name} parameter value")


# --- products of two tensors ----------------------------------------------------------------------
def product(name, op, doc, operands=OPERANDS, aliases=(), errors=None):
    """A command `name input other` calling op(input, other)."""
    def body(input, other):
        return op(input, other)
    body.__doc__ = doc
    linalg.command(name, *operands, aliases=aliases, errors=errors,
                   returns="tensor handle")(body)


product("dot", torch.dot, "The dot product of two 1-D tensors of the same length (torch.dot).",
        errors={"missing": "Required parameters missing: {required_names}"})
product("outer", torch.outer, "The outer product of two 1-D tensors (torch.outer): "
        "result[i, j] = input[i] * other[j].", aliases=("Outer",))
def kron(input, other):
    """The Kronecker product of two tensors (torch.kron)."""
    # torch.kron (2.13) fails on a non-contiguous operand ("view size is not compatible"): the
    # same values, contiguous, give the product PyTorch means.
    return torch.kron(input.contiguous(), other.contiguous())


product("kron", kron, kron.__doc__, errors={"missing": "Usage: kron input other"})
product("tensor_bmm", torch.bmm, "Batched matrix product of two 3-D tensors (torch.bmm): "
        "(b, n, m) times (b, m, p) gives (b, n, p).",
        # API.md calls the operands tensor1 and tensor2, and other pages pass -tensor1 -tensor2
        operands=(tensor_input(label="input", aliases=("tensor", "tensor1"),
                               invalid="Invalid input tensor name"),
                  param("other", TENSOR, aliases=("tensor2",),
                        invalid="Invalid other tensor name")),
        errors={"missing": "Required parameters missing: {required_names}"})


@linalg.command("cross", *OPERANDS, param("dim", INT, -1, invalid="Invalid dim value"),
                returns="tensor handle")
def cross(input, other, dim):
    """The cross product of 3-vectors along dim (torch.linalg.cross), broadcasting the other
    dimensions; dim defaults to -1, the last dimension, which must have size 3."""
    return torch.linalg.cross(input, other, dim=dim)


# --- diagonals and triangles ----------------------------------------------------------------------
DIAGONAL = param("diagonal", INT, 0, invalid="Invalid diagonal value")


def diagonal_op(name, op, doc):
    def body(input, diagonal):
        return op(input, diagonal)
    body.__doc__ = doc
    linalg.command(name, INPUT, DIAGONAL, returns="tensor handle")(body)


diagonal_op("diag", torch.diag,
            "A 1-D input becomes a square matrix with it on the given diagonal; a 2-D input "
            "gives that diagonal as a 1-D tensor (torch.diag). 0 is the main diagonal, positive "
            "ones lie above it, negative ones below.")
diagonal_op("tril", torch.tril,
            "The lower triangle of each matrix, zeros above the given diagonal (torch.tril).")
diagonal_op("triu", torch.triu,
            "The upper triangle of each matrix, zeros below the given diagonal (torch.triu).")


@linalg.command("diagflat", INPUT, param("offset", INT, 0, invalid="Invalid offset value"),
                aliases=("diagFlat",), returns="tensor handle")
def diagflat(input, offset):
    """A square matrix with the flattened input on the given diagonal (torch.diagflat)."""
    return torch.diagflat(input, offset)


@linalg.command("trace", tensor_input(aliases=(), invalid="Invalid input tensor"),
                aliases=("Trace",), returns="tensor handle",
                errors={"missing": "Required parameters missing: input tensor required",
                        **LISTED})
def trace(input):
    """The sum of a 2-D tensor's main diagonal, as a 0-d tensor (torch.trace); for a rectangular
    matrix, the diagonal of its leading square part."""
    return torch.trace(input)


# --- contractions ---------------------------------------------------------------------------------
@linalg.command("einsum",
                param("equation", STRING, check=bool, check_msg="Equation string cannot be empty"),
                param("tensors", TENSOR, variadic=True, label="tensor"),
                aliases=("Einsum",), returns="tensor handle")
def einsum(equation, tensors):
    """Einstein summation (torch.einsum): `ij,jk->ik` multiplies two matrices, `ii->` sums a
    diagonal, `bij->bji` transposes a batch. The tensors come as further words, or by name as one
    list (`-tensors {a b}`)."""
    if not tensors:
        raise CommandError("Required parameter missing: tensors", "MISSING")
    return torch.einsum(equation, *tensors)


@linalg.command("tensordot",
                param("a", TENSOR, invalid="Invalid tensor a"),
                param("b", TENSOR, invalid="Invalid tensor b"),
                param("dims", INTS),
                aliases=("tensorDot",), returns="tensor handle",
                errors={"missing": "Required parameters missing: a, b, and dims required"})
def tensordot(a, b, dims):
    """Sums the product of a and b over the listed dimensions, the same ones in both tensors
    (torch.tensordot(a, b, dims=(dims, dims))): `{0 1}` of two matrices sums their element-wise
    product."""
    return torch.tensordot(a, b, dims=(list(dims), list(dims)))


# (PyTorch's matrix_power loops for good on -2**63: it negates n for the inverse's power)
@linalg.command("matrix_power", INPUT,
                param("n", Int(INT64_MIN + 1), invalid="Invalid n value"),
                returns="tensor handle")
def matrix_power(input, n):
    """The n-th power of each square matrix (torch.linalg.matrix_power): n = 0 gives the
    identity, a negative n a power of the inverse. n is at least -9223372036854775807."""
    return torch.linalg.matrix_power(input, n)


# --- decompositions -------------------------------------------------------------------------------
@linalg.command("tensor_cholesky", tensor_input(), UPPER, returns="tensor handle",
                errors={"missing": "Usage: torch::tensor_cholesky tensor | "
                                   "torch::tensor_cholesky -input tensor", **LISTED})
def tensor_cholesky(input, upper):
    """The Cholesky factor of each symmetric positive-definite matrix
    (torch.linalg.cholesky): lower triangular L with A = L L^T, or with `upper` true the upper
    factor U with A = U^T U."""
    return torch.linalg.cholesky(input, upper=upper)


@linalg.command("tensor_eigen", tensor_input(), param("eigenvectors", BOOL, True),
                returns="dict {eigenvalues handle eigenvectors handle}",
                errors={"missing": MISSING_OPTION})
def tensor_eigen(input, eigenvectors):
    """Eigenvalues (ascending) and orthonormal eigenvectors of symmetric or Hermitian matrices
    (torch.linalg.eigh, which reads the lower triangle), as the dict
    {eigenvalues handle eigenvectors handle}; with `eigenvectors` false only
    {eigenvalues handle} (torch.linalg.eigvalsh)."""
    if not eigenvectors:
        return {"eigenvalues": torch.linalg.eigvalsh(input)}
    values, vectors = torch.linalg.eigh(input)
    return {"eigenvalues": values, "eigenvectors": vectors}


@linalg.command("tensor_qr", param("tensor", TENSOR, aliases=("input",)),
                param("some", BOOL, True), returns="dict {Q handle R handle}",
                errors={"missing": "Usage: torch::tensor_qr tensor | "
                                   "torch::tensor_qr -tensor tensor", **LISTED})
def tensor_qr(tensor, some):
    """The QR decomposition A = Q R of each matrix (torch.linalg.qr) as the dict
    {Q handle R handle}: Q with orthonormal columns, R upper triangular. `some` true (the
    default) gives the reduced factors (Q m x k, R k x n, k = min(m, n)); false the complete
    ones (Q m x m, R m x n)."""
    q, r = torch.linalg.qr(tensor, mode="reduced" if some else "complete")
    return {"Q": q, "R": r}


@linalg.command("tensor_svd", tensor_input(), param("some", BOOL, False),
                param("compute_uv", BOOL, True), returns="dict {U handle S handle V handle}",
                errors={"missing": "Required input parameter missing"})
def tensor_svd(input, some, compute_uv):
    """The singular value decomposition A = U diag(S) V^T of each matrix (torch.linalg.svd) as
    the dict {U handle S handle V handle}, singular values in descending order. V is the matrix
    of right singular vectors (the transpose, or conjugate transpose, of PyTorch's Vh). As the
    reference page describes, U is m x m and V n x n by default; `some` true gives the reduced
    factors (m x k and n x k, k = min(m, n)), which autograd needs for a non-square matrix.
    `compute_uv` false returns only {S handle} (torch.linalg.svdvals)."""
    if not compute_uv:
        return {"S": torch.linalg.svdvals(input)}
    u, s, vh = torch.linalg.svd(input, full_matrices=not some)
    return {"U": u, "S": s, "V": vh.mH}


@linalg.command("tensor_pinv", tensor_input(), param("rcond", FLOAT, 1e-15),
                returns="tensor handle", errors={"missing": "Required input parameter missing"})
def tensor_pinv(input, rcond):
    """The Moore-Penrose pseudo-inverse of each matrix (torch.linalg.pinv); singular values below
    rcond times the largest count as zero."""
    return torch.linalg.pinv(input, rcond=rcond)


@linalg.command("tensor_matrix_exp", tensor_input(), returns="tensor handle",
                errors={"missing": MISSING_OPTION})
def tensor_matrix_exp(input):
    """The matrix exponential of each square matrix (torch.linalg.matrix_exp)."""
    return torch.linalg.matrix_exp(input)


# --- solvers --------------------------------------------------------------------------------------
@linalg.command("cholesky_solve", RHS,
                param("l", TENSOR, aliases=("L",), label="L", invalid="Invalid L tensor"), UPPER,
                returns="tensor handle",
                errors={"missing": "Usage: torch::cholesky_solve B L ?upper? | "
                                   "torch::choleskySolve -b tensor -l tensor -upper bool",
                        **LISTED})
def cholesky_solve(b, l, upper):  # noqa: E741 (the page's name for the factor)
    """Solves A X = B given A's Cholesky factor: L lower triangular with A = L L^T, or with
    `upper` true U with A = U^T U (torch.cholesky_solve). Batches broadcast."""
    return torch.cholesky_solve(b, l, upper=upper)


@linalg.command("lstsq", RHS, param("a", TENSOR, aliases=("A",), label="A",
                                    invalid="Invalid A tensor"),
                param("rcond", FLOAT, None, check=non_negative,
                      check_msg="Invalid rcond value: {value} (it must not be negative)"),
                aliases=("leastSquares",), returns="tensor handle")
def lstsq(b, a, rcond):
    """The least-squares solution X minimising ||A X - B|| (torch.linalg.lstsq, whose other
    results are dropped). rcond: singular values below rcond times the largest count as zero;
    by default PyTorch's (machine precision times max(m, n)). Note the order: B first."""
    return torch.linalg.lstsq(a, b, rcond=rcond).solution


@linalg.command("lu_solve", RHS,
                param("lu_data", TENSOR, aliases=("LU_data",), label="LU_data"),
                param("lu_pivots", TENSOR, aliases=("LU_pivots",), label="LU_pivots"),
                returns="tensor handle",
                errors={"missing": "Required parameters missing: B, LU_data and LU_pivots"})
def lu_solve(b, lu_data, lu_pivots):
    """Solves A X = B from A's LU factorization as torch.linalg.lu_factor gives it: the packed
    LU matrix and its 1-based int32 pivots (torch.linalg.lu_solve)."""
    return torch.linalg.lu_solve(lu_data, lu_pivots, b)


@linalg.command("solve_triangular", RHS,
                param("a", TENSOR, aliases=("A",), label="A", invalid="Invalid A tensor"),
                _bool_param("upper", True), _bool_param("left", True),
                _bool_param("unitriangular", False), returns="tensor handle",
                errors={"missing": "Required parameters missing: B and A tensors required"})
def solve_triangular(b, a, upper, left, unitriangular):
    """Solves A X = B (or X A = B with `left` false) for a triangular A, upper by default
    (torch.linalg.solve_triangular); `unitriangular` takes A's diagonal as all ones."""
    return torch.linalg.solve_triangular(a, b, upper=upper, left=left,
                                         unitriangular=unitriangular)


# --- norms, condition and rank --------------------------------------------------------------------
@linalg.command("tensor_norm", tensor_input(invalid="Tensor not found"),
                param("p", FLOAT, 2.0, invalid="Invalid p value"),
                param("dim", INT, None, invalid="Invalid dim value"),
                returns="tensor handle", errors={"missing": "Usage: {usage}"})
def tensor_norm(input, p, dim):
    """The p-norm of all elements, or along dim (torch.linalg.vector_norm): p = 2 by default,
    inf the largest magnitude."""
    return torch.linalg.vector_norm(input, p, dim)


@linalg.command("vector_norm", INPUT,
                param("ord", NORM_ORDER, 2, invalid="Invalid ord value"), DIMS, KEEPDIM,
                returns="tensor handle", errors={"missing": MISSING_OPTION})
def vector_norm(input, ord, dim, keepdim):
    """The ord-norm of the elements over dim, every dimension by default
    (torch.linalg.vector_norm): 2 by default, inf and -inf the largest and smallest magnitude,
    0 the count of non-zeros. `fro`, which the reference page lists, is the 2-norm here."""
    if ord == "fro":
        ord = 2
    return torch.linalg.vector_norm(input, ord, dim, keepdim)


@linalg.command("matrix_norm", INPUT, param("ord", NORM_ORDER, "fro", invalid="Invalid ord value"),
                DIMS, KEEPDIM, returns="tensor handle")
def matrix_norm(input, ord, dim, keepdim):
    """A matrix norm of each matrix (torch.linalg.matrix_norm): `fro` (default), `nuc` (sum of
    singular values), 2 and -2 (largest and smallest singular value), 1, -1, inf, -inf (largest
    or smallest column or row sum). dim names the two matrix dimensions, the last two by
    default."""
    return torch.linalg.matrix_norm(input, ord, tuple(dim) if dim else (-2, -1), keepdim)


@linalg.command("cond", INPUT,
                param("p", NORM_ORDER, None, aliases=("norm",),
                      invalid="Invalid p parameter: must be a number or 'fro' or 'nuc'"),
                returns="tensor handle", errors={"missing": "Usage: {usage}"})
def cond(input, p):
    """The condition number of each matrix in the p-norm (torch.linalg.cond): by default the
    2-norm's, largest over smallest singular value; also 1, -1, 2, -2, inf, -inf, fro, nuc."""
    return torch.linalg.cond(input, p)


@linalg.command("matrix_rank", INPUT,
                param("tol", FLOAT, 1e-12, aliases=("tolerance",), invalid="Invalid tol value"),
                param("hermitian", BOOL, False), returns="tensor handle")
def matrix_rank(input, tol, hermitian):
    """The numerical rank of each matrix: how many singular values exceed tol, an absolute
    tolerance, 1e-12 by default as the reference page says (torch.linalg.matrix_rank with
    atol=tol, rtol=0). `hermitian` true reads the matrix as Hermitian (eigenvalues instead)."""
    return torch.linalg.matrix_rank(input, atol=tol, rtol=0.0, hermitian=hermitian)
