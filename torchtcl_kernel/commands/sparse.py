"""Sparse tensors: COO, CSR and CSC construction, conversion and arithmetic (the spec's sparse
family).

A sparse tensor is a tensor handle like any other (tensor_shape, tensor_dtype, tensor_print and
free take it); its layout is PyTorch's (sparse_coo, sparse_csr, sparse_csc). Each command is the
PyTorch call its docstring names: values, dtype, layout, device and autograd are PyTorch's. The
constructors always check PyTorch's sparse invariants (indices within the size, compressed indices
consistent), so a malformed tensor is an error when it is made, never a crash later.
"""

import contextlib
import functools
import math
import re
import warnings

import torch

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.types import BOOL, DEVICE, DTYPE, INT, INTS, NUMBER, SHAPE, TENSOR
from .common import non_negative, positive, tensor_input

sparse = Family("sparse")

# --- parameters several commands share ------------------------------------------------------------
SPARSE_INPUT = tensor_input(label="sparse_tensor", invalid="Invalid sparse tensor")
INPUT = tensor_input()
DIM = param("dim", INT)
VALUES = param("values", TENSOR)
SIZE = param("size", SHAPE)
# The constructors' options (their pages: float32, the values' device, no gradient).
DTYPE_F32 = param("dtype", DTYPE, torch.float32)
DEVICE_OPT = param("device", DEVICE, None)
REQUIRES_GRAD = param("requires_grad", BOOL, False)
USAGE = {"missing": "Usage: {usage}"}


# --- what every command shares --------------------------------------------------------------
# PyTorch says once per process that CSR (CSC, ...) support is in beta: not a script's concern.
_BETA = r"Sparse \w+ tensor support is in beta state"
# PyTorch's words for an operator without a kernel for a layout, and the layout each backend means.
_NO_KERNEL = re.compile(r"Could not run '(?:aten::)?(\w+)' with arguments from the '(\w+)' backend")
_BACKEND_LAYOUTS = (("SparseCsr", "sparse compressed (CSR/CSC)"), ("Sparse", "sparse COO"),
                    ("", "dense (strided)"))


@contextlib.contextmanager
def _sparse_calls():
    """Around a command's PyTorch calls: no beta warning, and an operator PyTorch lacks for a
    layout is said in one line (not the dispatcher's list of backends)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", _BETA, UserWarning)
        try:
            yield
        except NotImplementedError as e:
            m = _NO_KERNEL.search(str(e))
            if m is None:
                raise
            op, backend = m.groups()
            layout = next(name for key, name in _BACKEND_LAYOUTS if key in backend)
            raise CommandError(f"{op} is not implemented for {layout} tensors",
                               "RUNTIME") from None


def command(name, *params, **kw):
    """sparse.command, with the command's body run inside _sparse_calls."""
    def register(func):
        @functools.wraps(func)
        def body(*args, **kwargs):
            with _sparse_calls():
                return func(*args, **kwargs)
        sparse.command(name, *params, **kw)(body)
        return func
    return register


def _coo_indices(indices, values):
    """The indices as PyTorch takes them, (sparse dims, nnz). Some reference pages write one
    coordinate per row instead, (nnz, sparse dims): such a matrix is transposed where only that
    reading fits the values (where both fit, PyTorch's reading wins)."""
    if indices.dim() == 2 and values.dim() >= 1:
        nnz = values.shape[0]
        if indices.shape[1] != nnz and indices.shape[0] == nnz:
            return indices.t()
    return indices


# --- construction -------------------------------------------------------------------------------
@command("sparse_coo_tensor", param("indices", TENSOR), VALUES, param("size", SHAPE, None),
         DTYPE_F32, DEVICE_OPT, REQUIRES_GRAD, returns="tensor handle")
def sparse_coo_tensor(indices, values, size, dtype, device, requires_grad):
    """A sparse COO tensor from its coordinates and values (torch.sparse_coo_tensor): indices is
    an int64 matrix with one row per sparse dimension and one column per value (a matrix with one
    coordinate per row is read too, where only that reading fits), values holds one value (or one
    dense block) per column. size defaults to the smallest that holds the indices; duplicates stay
    until sparse_coalesce sums them. dtype defaults to float32 as on the reference page; device to
    the values' device."""
    kwargs = {} if size is None else {"size": size}
    return torch.sparse_coo_tensor(_coo_indices(indices, values), values, dtype=dtype,
                                   device=device, requires_grad=requires_grad,
                                   check_invariants=True, **kwargs)


@command("sparse_tensor_create",
         param("indices", TENSOR, invalid="Invalid tensor handle"),
         param("values", TENSOR, invalid="Invalid tensor handle"), SIZE,
         errors={"missing": "Required parameters missing: indices, values and size"},
         returns="tensor handle")
def sparse_tensor_create(indices, values, size):
    """A sparse COO tensor of the given size, with the values' dtype and device
    (torch.sparse_coo_tensor). The page writes indices with one coordinate per row; PyTorch's
    layout, one row per sparse dimension, is taken too, and wins where both fit."""
    return torch.sparse_coo_tensor(_coo_indices(indices, values), values, size,
                                   check_invariants=True)


def compressed(name, make, first, second, doc):
    """A constructor `name first second values size ?dtype? ?device? ?requires_grad?` calling
    make (torch.sparse_csr_tensor, torch.sparse_csc_tensor)."""
    def body(**kw):
        return make(kw[first], kw[second], kw["values"], kw["size"], dtype=kw["dtype"],
                    device=kw["device"], requires_grad=kw["requires_grad"],
                    check_invariants=True)
    body.__doc__ = doc
    command(name, param(first, TENSOR), param(second, TENSOR), VALUES, SIZE, DTYPE_F32,
            DEVICE_OPT, REQUIRES_GRAD, returns="tensor handle")(body)


compressed("sparse_csr_tensor", torch.sparse_csr_tensor, "crow_indices", "col_indices",
           "A sparse CSR tensor (torch.sparse_csr_tensor): crow_indices has one entry per row "
           "plus one, where each row's entries start in col_indices and values (the last is the "
           "number of values); col_indices gives each value's column. dtype defaults to float32 "
           "as on the reference page; device to the values' device.")
compressed("sparse_csc_tensor", torch.sparse_csc_tensor, "ccol_indices", "row_indices",
           "A sparse CSC tensor (torch.sparse_csc_tensor), CSR's column-wise twin: ccol_indices "
           "has one entry per column plus one, where each column's entries start in row_indices "
           "and values (the last is the number of values); row_indices gives each value's row. "
           "dtype defaults to float32 as on the reference page; device to the values' device.")


# --- conversion and layout ----------------------------------------------------------------------
def to_dense(name):
    def body(input):
        return input.to_dense()
    body.__doc__ = ("The dense tensor a sparse one stands for, zeros where it stores nothing "
                    "(Tensor.to_dense; duplicate coordinates are summed). A dense input is "
                    "returned as it is. Gradients flow back to the sparse tensor's values.")
    command(name, SPARSE_INPUT, errors=USAGE, returns="tensor handle")(body)


to_dense("sparse_to_dense")
to_dense("sparse_tensor_dense")


@command("sparse_coalesce", INPUT, returns="tensor handle")
def sparse_coalesce(input):
    """The COO tensor with duplicate coordinates summed into one value and its coordinates sorted
    in row-major order (Tensor.coalesce); an already coalesced tensor comes back as it is."""
    return input.coalesce()


@command("sparse_transpose", SPARSE_INPUT, param("dim0", INT), param("dim1", INT),
         returns="tensor handle")
def sparse_transpose(input, dim0, dim1):
    """The tensor with dimensions dim0 and dim1 swapped (torch.transpose). A COO result is not
    coalesced; a CSR matrix transposed is the CSC one with the same arrays, and the reverse."""
    return torch.transpose(input, dim0, dim1)


@command("sparse_reshape", SPARSE_INPUT,
         param("shape", INTS, check=lambda shape: all(map(non_negative, shape)),
               check_msg="Invalid integer in shape list"),
         # the page's text for `-input $s` without -shape
         errors={"missing": "Missing value for parameter"}, returns="tensor handle")
def sparse_reshape(input, shape):
    """The COO tensor with the same values in a new shape of as many elements, read in row-major
    order like torch.reshape of the dense tensor (PyTorch itself does not reshape sparse tensors:
    each stored value's linear position is computed and laid out in the new shape). A hybrid
    tensor keeps its dense dimensions as the new shape's last ones; a CSR/CSC input gives a COO
    result; a dense input is reshaped by torch.reshape. Differentiable in the values."""
    if input.layout is torch.strided:
        return torch.reshape(input, shape)
    coo = input if input.layout is torch.sparse_coo else input.to_sparse_coo()
    coo = coo.coalesce()
    sparse_shape, dense_shape = coo.shape[:coo.sparse_dim()], tuple(coo.shape[coo.sparse_dim():])
    n_sparse = len(shape) - len(dense_shape)
    if math.prod(shape) != coo.numel():
        raise CommandError(f"shape '{list(shape)}' is invalid for input of size {coo.numel()}")
    if n_sparse < 1 or tuple(shape[n_sparse:]) != dense_shape:
        raise CommandError(f"shape '{list(shape)}' must end with the tensor's dense dimensions "
                           f"{list(dense_shape)} after at least one sparse one")
    indices = coo.indices()
    linear = torch.zeros_like(indices[0])
    for row, size in zip(indices, sparse_shape, strict=True):
        linear = linear * size + row
    new_indices = torch.stack(torch.unravel_index(linear, tuple(shape[:n_sparse])))
    return torch.sparse_coo_tensor(new_indices, coo.values(), shape, is_coalesced=True,
                                   check_invariants=True)


# --- arithmetic ---------------------------------------------------------------------------------
@command("sparse_add", param("tensor1", TENSOR), param("tensor2", TENSOR),
         param("alpha", NUMBER, 1), returns="tensor handle")
def sparse_add(tensor1, tensor2, alpha):
    """tensor1 + alpha * tensor2 (torch.add), each sparse or dense: two sparse COO tensors give a
    sparse one (not coalesced), anything with a dense tensor a dense one. PyTorch refuses sparse +
    dense in that order; the sparse tensor1 is then made dense first, which gives the same sum.
    Dense operands broadcast."""
    if tensor1.layout is not torch.strided and tensor2.layout is torch.strided:
        tensor1 = tensor1.to_dense()
    return torch.add(tensor1, tensor2, alpha=alpha)


@command("sparse_mm", param("sparse_tensor", TENSOR), param("dense_tensor", TENSOR),
         returns="tensor handle")
def sparse_mm(sparse_tensor, dense_tensor):
    """The matrix product of a sparse matrix (COO, CSR or CSC) and a dense one, a dense matrix
    (torch.sparse.mm); differentiable in both. Two dense matrices are multiplied too."""
    return torch.sparse.mm(sparse_tensor, dense_tensor)


@command("sparse_sum", SPARSE_INPUT, param("dim", INT, None),
         errors={"usage": 'wrong # args: should be "{usage}"'}, returns="tensor handle")
def sparse_sum(input, dim):
    """The sum of a sparse COO tensor's values (torch.sparse.sum): all of them, a 0-d dense
    tensor, or along dim, a tensor with that dimension gone (sparse while sparse dimensions
    remain). Differentiable."""
    return torch.sparse.sum(input) if dim is None else torch.sparse.sum(input, dim)


def softmax(name, sparse_op, dense_op, what):
    """A command `name tensor dim`: sparse_op and dense_op are (function, its name)."""
    (sparse_fn, sparse_name), (dense_fn, dense_name) = sparse_op, dense_op

    def body(input, dim):
        if input.layout is torch.strided:
            return dense_fn(input, dim)
        return sparse_fn(input, dim)
    body.__doc__ = (f"The {what} along dim over the values a sparse COO tensor stores "
                    f"({sparse_name}): entries it does not store count as minus infinity, so "
                    "they stay unstored. A dense tensor stores every entry: it gets the "
                    f"ordinary {what} ({dense_name}). Differentiable.")
    command(name, INPUT, DIM, returns="tensor handle")(body)


softmax("sparse_softmax", (torch.sparse.softmax, "torch.sparse.softmax"),
        (torch.softmax, "torch.softmax"), "softmax")
softmax("sparse_log_softmax", (torch.sparse.log_softmax, "torch.sparse.log_softmax"),
        (torch.log_softmax, "torch.log_softmax"), "log-softmax")


@command("sparse_mask", tensor_input(label="tensor"), param("mask", TENSOR),
         returns="tensor handle")
def sparse_mask(input, mask):
    """The input's values at the coordinates the sparse mask stores, as a tensor of the mask's
    layout (Tensor.sparse_mask); the mask's own values do not matter. Input and mask have the
    same shape; the input may be dense or sparse."""
    if mask.layout is torch.strided:
        raise CommandError("Invalid mask: it must be a sparse tensor (COO, CSR or CSC), "
                           "not a dense one")
    return input.sparse_mask(mask)


# --- layers -------------------------------------------------------------------------------------
POSITIVE = dict(check=positive, check_msg="Invalid {name}: {value} (must be positive)")


@command("sparse_embedding", tensor_input(label="input"), param("num_embeddings", INT, **POSITIVE),
         param("embedding_dim", INT, **POSITIVE), param("padding_idx", INT, -1),
         returns="tensor handle")
def sparse_embedding(input, num_embeddings, embedding_dim, padding_idx):
    """Integer indices looked up in a new torch.nn.Embedding(sparse=True) table of
    num_embeddings rows of embedding_dim values drawn from N(0, 1) (seed with manual_seed to
    repeat them): the result has the input's shape plus a last dimension of embedding_dim, and its
    backward gives the table a sparse gradient. padding_idx -1 (the default) means none, as for
    torch::embedding; another index in [-num_embeddings, num_embeddings) names the row that is
    zero. Indices may be int64 or int32 (PyTorch takes both)."""
    if not -num_embeddings <= padding_idx < num_embeddings:
        raise CommandError(f"Invalid padding_idx: {padding_idx} (must be within "
                           f"[-num_embeddings, num_embeddings) = [{-num_embeddings}, "
                           f"{num_embeddings}))")
    table = torch.nn.Embedding(num_embeddings, embedding_dim, sparse=True,
                               padding_idx=None if padding_idx == -1 else padding_idx)
    return table(input)
