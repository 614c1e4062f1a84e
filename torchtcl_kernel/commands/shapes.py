"""Shapes: joining, splitting, stacking, broadcasting, permuting and repeating tensors.

Each command is the PyTorch function of the same name on handles. Commands that take several
tensors read them as one Tcl list of handles, as several handles (one per word), or both mixed;
by name, `-tensors` (or `-inputs`) takes the list. Commands that make several tensors (the
splits, broadcast_tensors, meshgrid) return a Tcl list of handles.
"""

import torch

from ..core.errors import CommandError
from ..core.registry import REQUIRED, UNKNOWN_LISTED, Family, param
from ..core.types import BOOL, INT, INT_OR_INTS, INTS, SHAPE, Choice, HandleList
from .common import TENSOR_INPUT, tensor_input

shapes = Family("shapes")

# --- the family's shared parameters -------------------------------------------------------------
HANDLES = HandleList("tensor")
# Several tensors: positionally each word is a handle or a list of handles (all joined in order);
# by name, one Tcl list.
TENSORS = param("tensors", HANDLES, aliases=("inputs",), variadic=True,
                invalid="Invalid tensor name: {value}")
# tensor_cat and tensor_stack: the tensors as one list word, followed by dim.
TENSOR_LIST = param("tensors", HANDLES, aliases=("inputs",), label="tensor_list",
                    invalid="Invalid tensor name: {value}")
DIM = param("dim", INT, 0, aliases=("dimension",), invalid="Invalid dimension value")
INVALID_INPUT = "Invalid input tensor"


def dims(default=REQUIRED, **kw):
    """The dimensions a command works on, `-dims` (`-dimensions`): a Tcl list of integers."""
    return param("dims", INTS, default, aliases=("dimensions",), **kw)


def _not_empty(values):
    return len(values) > 0


def _joined(groups, missing="Missing required parameter: tensors"):
    """The tensors of a TENSORS parameter, in order; an empty list is an error."""
    tensors = [t for group in groups for t in group]
    if not tensors:
        raise CommandError(missing, "MISSING")
    return tensors


# --- at least n dimensions ----------------------------------------------------------------------
ATLEAST_ERRORS = {"missing": "Usage: {cmd} tensor | {cmd} -input tensor",
                  "unknown": UNKNOWN_LISTED}


def atleast(n, op):
    def body(input):
        return op(input)
    body.__doc__ = (f"The tensor with at least {n} dimension{'s' if n > 1 else ''} "
                    f"(torch.atleast_{n}d); a view where PyTorch makes one.")
    shapes.command(f"atleast_{n}d", tensor_input(invalid=INVALID_INPUT), errors=ATLEAST_ERRORS,
                   returns="tensor handle")(body)


for _n, _op in [(1, torch.atleast_1d), (2, torch.atleast_2d), (3, torch.atleast_3d)]:
    atleast(_n, _op)


# --- stacking several tensors -------------------------------------------------------------------
STACK_ERRORS = {"missing": 'wrong # args: should be "{cmd} tensor_list or -tensors tensor_list"'}


def stack(name, op, aliases, doc):
    def body(tensors):
        return op(_joined(tensors))
    body.__doc__ = doc
    shapes.command(name, TENSORS, aliases=aliases, errors=STACK_ERRORS,
                   returns="tensor handle")(body)


for _name, _op, _aliases, _doc in [
        ("hstack", torch.hstack, ("hStack",),
         "Joins tensors horizontally: along dim 1, or dim 0 for 1-D tensors (torch.hstack)."),
        ("vstack", torch.vstack, ("vStack",),
         "Joins tensors vertically, along dim 0, 1-D tensors taken as rows (torch.vstack)."),
        ("row_stack", torch.row_stack, (),
         "Joins tensors as rows, along dim 0: the same as vstack (torch.row_stack)."),
        ("dstack", torch.dstack, ("dStack",),
         "Joins tensors in depth, along dim 2, after making each at least 3-D (torch.dstack)."),
        ("column_stack", torch.column_stack, (),
         "Joins tensors as columns, 1-D and 0-D tensors becoming columns (torch.column_stack)."),
]:
    stack(_name, _op, _aliases, _doc)


@shapes.command("tensor_cat", TENSOR_LIST, DIM, aliases=("tensor_concat",),
                errors={"missing": "Required parameters missing: at least 2 tensors and dimension"},
                returns="tensor handle")
def tensor_cat(tensors, dim):
    """Concatenates tensors along an existing dimension (default 0), as torch.cat.

    The reference page wants at least two tensors; PyTorch concatenates one as well, and so does
    this command. dim defaults to 0, as API.md gives it."""
    return torch.cat(_joined([tensors], "Required parameters missing: at least 2 tensors and "
                             "dimension"), dim)


@shapes.command("tensor_stack", TENSOR_LIST, DIM,
                errors={"missing": "Required parameters missing: {required_names}"},
                returns="tensor handle")
def tensor_stack(tensors, dim):
    """Stacks tensors of one shape along a new dimension (default 0), as torch.stack."""
    return torch.stack(_joined([tensors]), dim)


# --- several tensors in, one or several out ------------------------------------------------------
@shapes.command("broadcast_tensors", TENSORS, returns="list of tensor handles")
def broadcast_tensors(tensors):
    """The tensors broadcast to their common shape, as a list of handles (views where possible)."""
    return torch.broadcast_tensors(*_joined(tensors))


# Each shape is one word of the list: an error names the shape at fault, not the whole list.
@shapes.command("broadcast_shapes", param("shapes", SHAPE, variadic=True,
                                          invalid='bad {option} "{value}": {error}'),
                returns="list of integers")
def broadcast_shapes(shapes):
    """The shape that tensors of the given shapes broadcast to, as a list of integers.

    Positionally each word is a shape (`{2 1} {3}`); by name `-shapes` takes a list of them."""
    return torch.broadcast_shapes(*shapes)


@shapes.command("block_diag", TENSORS, returns="tensor handle")
def block_diag(tensors):
    """A block-diagonal matrix with the given tensors (0-, 1- or 2-D) as its blocks."""
    return torch.block_diag(*_joined(tensors))


@shapes.command("cartesian_prod", TENSORS, returns="tensor handle")
def cartesian_prod(tensors):
    """The Cartesian product of 1-D tensors: one row per combination of their elements.

    As in PyTorch, the product of a single tensor is that tensor (1-D), where the reference page
    shows a column of shape {n 1}."""
    return torch.cartesian_prod(*_joined(tensors))


@shapes.command("meshgrid", TENSORS, param("indexing", Choice("ij", "xy"), "ij"),
                forms=["tensors ..."], aliases=("meshGrid",), returns="list of tensor handles")
def meshgrid(tensors, indexing):
    """Coordinate grids from 1-D tensors, one grid per tensor (torch.meshgrid).

    `-indexing ij` (the default, the reference's layout) gives grids of shape {n1 n2 ...};
    `-indexing xy` swaps the first two dimensions, as NumPy does."""
    return torch.meshgrid(*_joined(tensors), indexing=indexing)


@shapes.command("combinations", tensor_input(label="input", invalid=INVALID_INPUT),
                param("r", INT, 2, invalid="Invalid -r parameter"),
                param("with_replacement", BOOL, False, aliases=("replacement",)),
                errors={"missing": "Required parameter -input missing"},
                returns="tensor handle")
def combinations(input, r, with_replacement):
    """All r-element combinations of a 1-D tensor's elements, one per row (torch.combinations).

    PyTorch takes 1-D input only; the reference page's "any shape, read as 1-D" is PyTorch's error
    for other shapes here (flatten the tensor first)."""
    return torch.combinations(input, r, with_replacement)


# --- splitting ----------------------------------------------------------------------------------
SECTIONS = param("sections", INT_OR_INTS, None, label="sections_or_indices",
                 check=lambda v: not isinstance(v, int) or v > 0,
                 check_msg="Number of sections must be positive")
INDICES = param("indices", INTS, None)


def _split_points(sections, indices, missing):
    """torch's indices_or_sections: -sections (a count, or a list of indices) or -indices."""
    if sections is not None and indices is not None:
        raise CommandError("Give either -sections or -indices, not both")
    if sections is None and indices is None:
        raise CommandError(missing, "MISSING")
    chosen = sections if indices is None else indices
    return chosen if isinstance(chosen, int) else list(chosen)


SPLIT_ERRORS = {"missing": "Missing required parameter: {label}"}


def split(name, op, dim, n_dims):
    def body(input, sections, indices):
        if input.dim() < n_dims:
            raise CommandError(f"Input tensor must have at least {n_dims} dimension"
                               + ("s" if n_dims > 1 else ""))
        return op(input, _split_points(sections, indices,
                                       "Missing required parameter: sections_or_indices"))
    body.__doc__ = (f"Splits a tensor along dim {dim} into equal sections or at indices "
                    f"(torch.{name}); returns a list of handles.")
    shapes.command(name, TENSOR_INPUT, SECTIONS, INDICES, forms=["tensor sections_or_indices"],
                   aliases=(name[0] + "Split",), errors=SPLIT_ERRORS,
                   returns="list of tensor handles")(body)


split("hsplit", torch.hsplit, "1 (0 for 1-D tensors)", 1)
split("vsplit", torch.vsplit, 0, 2)
split("dsplit", torch.dsplit, 2, 3)

TENSOR_SPLIT_MISSING = "Required parameters missing: input tensor and sections/indices are required"


@shapes.command("tensor_split", TENSOR_INPUT, SECTIONS, DIM, INDICES,
                forms=["tensor sections_or_indices ?dim?"],
                errors={"missing": TENSOR_SPLIT_MISSING,
                        "missing_positional": "Invalid number of arguments",
                        "usage": "Invalid number of arguments"},
                returns="list of tensor handles")
def tensor_split(input, sections, dim, indices):
    """Splits a tensor along dim into n nearly equal parts, or at a list of indices.

    As torch.tensor_split: a single integer is a number of sections (parts may be empty); a list
    gives the indices where parts start. `-indices` always means indices, even a single one. The
    page's "Error in tensor_split: " before each message is left out."""
    return torch.tensor_split(input, _split_points(sections, indices, TENSOR_SPLIT_MISSING), dim)


# --- one tensor reshaped --------------------------------------------------------------------------
@shapes.command("flip", tensor_input(label="input", invalid=INVALID_INPUT),
                dims(check=_not_empty, check_msg="Required parameters missing: -input and -dims"),
                aliases=("Flip",),
                errors={"missing": "Required parameters missing: {required}",
                        "missing_positional": "Usage: {cmd} input dims | "
                                              "{cmd} -input tensor -dims list"},
                returns="tensor handle")
def flip(input, dims):
    """The tensor with the order of its elements reversed along each of dims (a copy)."""
    return torch.flip(input, dims)


@shapes.command("roll", tensor_input(label="input"), param("shifts", INTS), dims(None),
                aliases=("tensor_roll",), returns="tensor handle")
def roll(input, shifts, dims):
    """Shifts elements cyclically along dims; without dims, over the flattened tensor."""
    return torch.roll(input, shifts, dims if dims is not None else ())


@shapes.command("rot90", tensor_input(label="input"), param("k", INT, 1), dims((0, 1)),
                returns="tensor handle")
def rot90(input, k, dims):
    """The tensor rotated k quarter turns in the plane of dims, from the first dim towards the
    second."""
    return torch.rot90(input, k, dims)


@shapes.command("squeeze_multiple", TENSOR_INPUT, dims(None), returns="tensor handle")
def squeeze_multiple(input, dims):
    """The tensor without its size-1 dimensions, all of them or those of dims (torch.squeeze).

    As PyTorch, dims name the input's dimensions all at once, and one of dims whose size is not 1
    is left as it is; the reference page squeezes one dim after another and errors instead."""
    return torch.squeeze(input) if dims is None else torch.squeeze(input, dims)


@shapes.command("unsqueeze_multiple",
                TENSOR_INPUT,
                dims(check=_not_empty, check_msg="Invalid dims: the list is empty"),
                errors={"missing": "Required parameters missing: tensor, dims"},
                returns="tensor handle")
def unsqueeze_multiple(input, dims):
    """The tensor with a new size-1 dimension at each of dims, positions in the result.

    A negative position counts from the end of the result (its rank is the input's plus the
    number of dims), as numpy.expand_dims: {0 2} on shape {2 3} gives {1 2 1 3}."""
    rank = input.dim() + len(dims)
    positions = []
    for d in dims:
        if not -rank <= d < rank:
            raise CommandError(f"Dimension out of range (expected to be in range of "
                               f"[{-rank}, {rank - 1}], but got {d})")
        if d % rank in positions:
            raise CommandError(f"dim {d} appears multiple times in the list of dims")
        positions.append(d % rank)
    for p in sorted(positions):
        input = input.unsqueeze(p)
    return input


@shapes.command("tensor_expand", TENSOR_INPUT,
                param("sizes", INTS, aliases=("shape",), label="shape_list"),
                errors={"missing": "Required parameters missing: {required}"},
                returns="tensor handle")
def tensor_expand(input, sizes):
    """A view of the tensor broadcast to a larger shape; -1 keeps a dimension's size."""
    return input.expand(sizes)


@shapes.command("tensor_permute", TENSOR_INPUT, dims(),
                errors={"missing": "Required parameters missing: {required_names}"},
                returns="tensor handle")
def tensor_permute(input, dims):
    """A view of the tensor with its dimensions in the order dims gives."""
    return input.permute(dims)


TENSOR_REPEAT_MISSING = "Required parameters missing: input tensor and repeats are required"


@shapes.command("tensor_repeat", TENSOR_INPUT,
                param("repeats", INTS, check=_not_empty, check_msg=TENSOR_REPEAT_MISSING),
                errors={"missing": TENSOR_REPEAT_MISSING,
                        "missing_positional": "Invalid number of arguments",
                        "usage": "Invalid number of arguments"},
                returns="tensor handle")
def tensor_repeat(input, repeats):
    """The tensor tiled repeats[i] times along each dimension (Tensor.repeat, a copy).

    repeats may be longer than the tensor's rank: new leading dimensions are added."""
    return input.repeat(repeats)
