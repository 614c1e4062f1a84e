"""Indexing: slices, index selection, gathering and scattering, contiguity."""

import torch

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.types import INT, TENSOR, HandleList
from .common import tensor_input

indexing = Family("indexing")

# --- the parameters several commands share ------------------------------------------------------
# `input` as the gather/scatter pages name it (positionally `input`, "Invalid input tensor").
INPUT = tensor_input(label="input", invalid="Invalid input tensor")
# The tensor to slice or select from, as the slicing pages name it (positionally `tensor`).
TENSOR_NAME = tensor_input(invalid="Invalid tensor name")
INDICES = param("indices", TENSOR, invalid="Invalid indices tensor")
DIM = param("dim", INT, aliases=("dimension",), invalid="Invalid dimension value")
START = param("start", INT, invalid="Invalid start value")

ANY_COUNT = "Invalid number of arguments"
# Too few positional words (or none) give the usage, as the reference's gather/scatter pages do.
SHORT = "Usage: {usage}"


# --- gathering and scattering along dimension 0 -------------------------------------------------
@indexing.command("gather_nd", INPUT, INDICES,
                  errors={"missing": "Required parameters missing: input and indices must be "
                                     "provided",
                          "missing_positional": SHORT},
                  returns="tensor handle")
def gather_nd(input, indices):
    """The rows of input picked by an integer index tensor of any shape: input[indices].

    The result has shape indices.shape + input.shape[1:] (for a 1-D input, one element per
    index). Negative indices count from the end, as in PyTorch indexing. The reference gathers
    with index_select along dimension 0 and reshapes to the indices' shape, which is the same
    result where it works (a 1-D input); this command also takes inputs of more dimensions.
    """
    return input[indices]


@indexing.command("scatter_nd", INPUT, INDICES,
                  param("updates", TENSOR, invalid="Invalid updates tensor"),
                  errors={"missing": "Required parameters missing",
                          "missing_positional": SHORT},
                  returns="tensor handle")
def scatter_nd(input, indices, updates):
    """A copy of input whose rows at the given indices are replaced by updates (index_put).

    The inverse of gather_nd: updates must broadcast to indices.shape + input.shape[1:] and have
    input's dtype (PyTorch's rule for index_put). input itself is left unchanged. Where an index
    repeats, which update lands there is up to PyTorch. The reference calls scatter_ along
    dimension 0, which agrees for a 1-D input; for more dimensions this command replaces whole
    rows, as PyTorch's `out[indices] = updates` does.
    """
    return input.index_put((indices,), updates)


@indexing.command("take_along_dim", INPUT, INDICES,
                  param("dim", INT, None, invalid="Invalid dim value"),
                  errors={"missing": "Required parameters missing: input and indices",
                          "missing_positional": SHORT},
                  returns="tensor handle")
def take_along_dim(input, indices, dim):
    """Values of input at the indices along dim (torch.take_along_dim); without dim, both
    tensors are read flattened.

    indices broadcasts against input in every other dimension, so the result of an argsort or
    argmax with keepdim picks the matching values. A negative dim counts from the end, as in
    PyTorch (the reference reads any negative dim as "no dim").
    """
    return torch.take_along_dim(input, indices, dim)


@indexing.command("tensor_advanced_index",
                  tensor_input(invalid="Tensor not found"),
                  param("indices", HandleList("tensor"), label="indices_list",
                        invalid="Index tensor not found"),
                  errors={"missing": "Required parameters missing: tensor and indices list "
                                     "required",
                          "missing_positional": "Usage: torch::tensor_advanced_index tensor "
                                                "indices_list | torch::tensor_advanced_index "
                                                "-tensor tensor -indices indices_list",
                          "unknown": "Unknown parameter: {option}. Valid parameters are: "
                                     "-tensor, -indices"},
                  returns="tensor handle")
def tensor_advanced_index(input, indices):
    """input indexed by a list of index tensors, one per leading dimension: input[i0, i1, ...].

    The index tensors broadcast together and pick one element (or one trailing sub-tensor) per
    position, as PyTorch's advanced indexing does; a bool tensor in the list acts as a mask.
    """
    if not indices:
        raise CommandError("Required parameters missing: tensor and indices list required")
    return input[tuple(indices)]


# --- slices and selections ----------------------------------------------------------------------
@indexing.command("tensor_index_select", TENSOR_NAME, DIM,
                  param("indices", TENSOR, aliases=("index",),
                        invalid="Invalid indices tensor name"),
                  errors={"missing": "Required parameters missing: input tensor and indices "
                                     "tensor are required",
                          "missing_positional": ANY_COUNT, "usage": ANY_COUNT},
                  returns="tensor handle")
def tensor_index_select(input, dim, indices):
    """The entries of input at a 1-D list of indices along dim (torch.index_select), in that
    order; repeats allowed. The result is a copy."""
    return torch.index_select(input, dim, indices)


@indexing.command("tensor_slice", tensor_input(invalid="Tensor not found"), DIM, START,
                  param("end", INT, None, invalid="Invalid end value"),
                  param("step", INT, 1, invalid="Invalid step value"),
                  errors={"missing": "Required {label} parameter missing", "usage": ANY_COUNT},
                  returns="tensor handle")
def tensor_slice(input, dim, start, end, step):
    """Every step-th entry along dim from start up to, not including, end: Python's
    start:end:step on that dimension.

    Without end the slice runs to the end of the dimension. Negative start and end count from
    the end; bounds beyond the dimension are clipped, so a slice may be empty. step must be
    positive. The result is a view of input (it shares its memory and is usually not
    contiguous).
    """
    return torch.ops.aten.slice.Tensor(input, dim, start, end, step)


@indexing.command("narrow_copy", INPUT, DIM, START,
                  param("length", INT, invalid="Invalid length value"),
                  errors={"missing_positional": SHORT}, returns="tensor handle")
def narrow_copy(input, dim, start, length):
    """length entries of input along dim from start, as a new tensor (torch.narrow_copy).

    A negative dim or start counts from the end. Unlike a slice, the result owns its memory.
    """
    if start < 0 and input.dim() and start >= -input.size(dim):
        # PyTorch's gradient of narrow_copy is zero for a negative start whose span reaches the
        # end (start -1, length 1): give it the same start counted from the front.
        start += input.size(dim)
    return torch.narrow_copy(input, dim, start, length)


# --- memory layout and size ---------------------------------------------------------------------
@indexing.command("tensor_contiguous", TENSOR_NAME,
                  errors={"missing": "Required parameter missing: {option}"},
                  returns="tensor handle")
def tensor_contiguous(input):
    """The tensor with its elements laid out in row-major order: a copy when input is not (a
    transpose, a stepped slice), input itself (under a new handle) when it already is."""
    return input.contiguous()


@indexing.command("tensor_is_contiguous", TENSOR_NAME,
                  errors={"missing": "Required tensor parameter missing"},
                  returns="boolean (1 or 0)")
def tensor_is_contiguous(input):
    """1 if the tensor's elements lie in memory in row-major order, else 0."""
    return input.is_contiguous()


@indexing.command("tensor_size", tensor_input(invalid="Invalid tensor name: {value}"),
                  param("dim", INT, None, aliases=("dimension",),
                        invalid="Invalid dimension value"),
                  returns="list of integers, or an integer with dim")
def tensor_size(input, dim):
    """The tensor's dimensions as a Tcl list (empty for a 0-d tensor), or with dim the length
    of that one dimension (negative dims count from the end)."""
    return tuple(input.shape) if dim is None else input.size(dim)
