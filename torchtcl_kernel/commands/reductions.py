"""Reductions and scans along a dimension: statistics, cumulative ops, extremes and their indices.

Where PyTorch's function returns values and indices (cummax, cummin, kthvalue, median, mode, max
and min along a dimension) the reference's pages return the values alone, and so do these
commands; tensor_argmax and tensor_argmin give the indices of the extremes.
"""

import torch
import torch.nn.functional as F

from ..core.errors import CommandError
from ..core.registry import REQUIRED, Family, param
from ..core.types import BOOL, DTYPE, FLOAT, INT, INTS, NUMBERS, TENSOR, Choice
from .common import TENSOR_INPUT, tensor_input

reductions = Family("reductions", missing="Required parameter missing: {option}")

# --- the parameters several commands share ------------------------------------------------------
# The pages word a dimension that is no integer in four ways; each wording is declared once.
EXPECTED_INT = "Invalid dim value. Expected integer."


def _dim(default=REQUIRED, invalid="Invalid dim value", type=INT):
    return param("dim", type, default, aliases=("dimension",), invalid=invalid)


SCAN_DIM = _dim(0, EXPECTED_INT)             # the cumulative ops: along dim 0 unless told
DIM = _dim()                                 # the *_dim reductions: a dimension is required
WHOLE_OR_DIM = _dim(None, "Invalid dimension value")     # absent: over every element
DIMS = _dim(None, "Invalid dimension value", INTS)       # one dimension or a list of them
KEEPDIM = param("keepdim", BOOL, False, invalid="Invalid keepdim value")
UNBIASED = param("unbiased", BOOL, True, invalid="Invalid unbiased value")

# Missing-argument texts of the pages.
INPUT_REQUIRED = "Input tensor is required"
INPUT_MISSING = "Required input parameter missing"
BAD_QUANTILE = "Required parameters missing or invalid"
SCAN_ERRORS = {"usage": "Wrong number of arguments for positional syntax. "
                        "Expected: {cmd} tensor dim"}


def _values(result):
    """The values of PyTorch's (values, indices) pair."""
    return result[0]


# --- cumulative ops: the same shape as the input ---------------------------------------------
def scan(name, op, doc, dtype=False, alias=""):
    """cumsum and cumprod take an accumulation -dtype (by name); cummax and cummin return the
    values of PyTorch's (values, indices)."""
    if dtype:
        def body(input, dim, dtype):
            return op(input, dim, dtype=dtype)
        params = (TENSOR_INPUT, SCAN_DIM, param("dtype", DTYPE, None))
    else:
        def body(input, dim):
            return _values(op(input, dim))
        params = (TENSOR_INPUT, SCAN_DIM)
    body.__doc__ = doc
    reductions.command(name, *params, forms=["tensor dim"], errors=SCAN_ERRORS,
                       aliases=(alias,), returns="tensor handle")(body)


scan("cumsum", torch.cumsum, alias="cumSum", dtype=True, doc="""
    Running sum along dim (torch.cumsum): element i is the sum of elements 0..i.

    Integer and bool inputs accumulate in int64, as in PyTorch; -dtype sets the accumulation
    type. dim defaults to 0.""")
scan("cumprod", torch.cumprod, alias="cumProd", dtype=True, doc="""
    Running product along dim (torch.cumprod): element i is the product of elements 0..i.

    Integer and bool inputs accumulate in int64, as in PyTorch; -dtype sets the accumulation
    type. dim defaults to 0.""")
scan("cummax", torch.cummax, alias="cumMax", doc="""
    Running maximum along dim (torch.cummax): element i is the largest of elements 0..i.

    Returns the values only (PyTorch also gives their indices). dim defaults to 0.""")
scan("cummin", torch.cummin, alias="cumMin", doc="""
    Running minimum along dim (torch.cummin): element i is the smallest of elements 0..i.

    Returns the values only (PyTorch also gives their indices). dim defaults to 0.""")


@reductions.command("diff", TENSOR_INPUT,
                    param("n", INT, 1, invalid="Invalid n value. Expected integer."),
                    _dim(-1, EXPECTED_INT),
                    param("prepend", TENSOR, None), param("append", TENSOR, None),
                    forms=["tensor ?n? ?dim?"], returns="tensor handle")
def diff(input, n, dim, prepend, append):
    """Differences of neighbouring elements along dim, applied n times (torch.diff).

    dim defaults to the last dimension, which shrinks by n. -prepend and -append (by name) name
    tensors joined to the input along dim first, as in PyTorch."""
    return torch.diff(input, n, dim, prepend=prepend, append=append)


@reductions.command("gradient", TENSOR_INPUT,
                    param("spacing", NUMBERS, None),
                    _dim(None, "Invalid dim parameter: must be integer", INTS),
                    param("edge_order", INT, 1),
                    forms=["tensor ?spacing? ?dim?"], aliases=("gradientCmd",),
                    errors={"missing": "Required parameter missing: input tensor",
                            "unknown": "Unknown parameter: {option}. Valid parameters are: "
                                       "-input/-tensor, -dim/-dimension, -spacing, -edgeOrder"},
                    returns="list of tensor handles")
def gradient(input, spacing, dim, edge_order):
    """Estimated derivative along each dimension by central differences (torch.gradient).

    Returns one tensor per dimension, each the input's shape, as a Tcl list (a single handle
    for a 1-d input or one -dim). -spacing is the sample distance: one number, or a list of one
    per dimension (default 1; an empty list means the default). -dim limits the result to one
    dimension or a list of them. -edgeOrder (1 or 2) is the accuracy at the edges.

    The reference's page describes the differences of neighbours instead (torch::diff, one
    element shorter); this is PyTorch's gradient, the same shape as the input."""
    kwargs = {"edge_order": edge_order}
    if spacing is not None and spacing != []:
        kwargs["spacing"] = spacing
    if dim:
        kwargs["dim"] = list(dim)
    return torch.gradient(input, **kwargs)


@reductions.command("kthvalue", TENSOR_INPUT, param("k", INT), DIM, KEEPDIM,
                    aliases=("kthValue",), returns="tensor handle")
def kthvalue(input, k, dim, keepdim):
    """The k-th smallest element along dim, counting from 1 (torch.kthvalue); the values only."""
    return _values(torch.kthvalue(input, k, dim, keepdim=keepdim))


# --- reductions along one required dimension ---------------------------------------------------
def dim_reduction(name, op, doc, unbiased=False):
    if unbiased:
        def body(input, dim, unbiased, keepdim):
            return op(input, dim, correction=int(unbiased), keepdim=keepdim)
        params = (TENSOR_INPUT, DIM, UNBIASED, KEEPDIM)
    else:
        def body(input, dim, keepdim):
            result = op(input, dim, keepdim=keepdim)
            return result if isinstance(result, torch.Tensor) else _values(result)
        params = (TENSOR_INPUT, DIM, KEEPDIM)
    body.__doc__ = doc
    reductions.command(name, *params, errors={"missing": "Usage: {usage}"},
                       returns="tensor handle")(body)


dim_reduction("mean_dim", torch.mean, "The mean along dim (torch.mean); floating inputs only.")
dim_reduction("median_dim", torch.median, """
    The median along dim (torch.median): for an even count the lower of the two middle values.

    Returns the values only (PyTorch also gives their indices).""")
dim_reduction("std_dim", torch.std, """
    The standard deviation along dim (torch.std).

    unbiased (default true) divides by n - 1, else by n.""", unbiased=True)
dim_reduction("var_dim", torch.var, """
    The variance along dim (torch.var).

    unbiased (default true) divides by n - 1, else by n.""", unbiased=True)


# --- over every element, or along one dimension -----------------------------------------------
def whole_or_dim(name, whole, along, missing, doc, usage=None):
    """whole(input) without a dim; along(input, dim, keepdim) with one. -keepdim is by name."""
    def body(input, dim, keepdim):
        return whole(input, keepdim) if dim is None else along(input, dim, keepdim)
    body.__doc__ = doc
    errors = {"missing": missing, **({"usage": usage} if usage else {})}
    reductions.command(name, TENSOR_INPUT, WHOLE_OR_DIM, KEEPDIM, forms=["tensor ?dim?"],
                       errors=errors, returns="tensor handle")(body)


def _pair_values(op):
    return lambda input, dim, keepdim: _values(op(input, dim, keepdim=keepdim))


whole_or_dim("tensor_max", lambda x, keepdim: torch.max(x), _pair_values(torch.max),
             INPUT_REQUIRED, usage="Invalid number of arguments", doc="""
    The largest element, or the largest along dim (torch.max); the values only.

    -keepdim (by name) keeps dim with size 1. torch::tensor_argmax gives the positions.""")
whole_or_dim("tensor_min", lambda x, keepdim: torch.min(x), _pair_values(torch.min),
             INPUT_MISSING, doc="""
    The smallest element, or the smallest along dim (torch.min); the values only.

    -keepdim (by name) keeps dim with size 1. torch::tensor_argmin gives the positions.""")
whole_or_dim("tensor_median", lambda x, keepdim: torch.median(x), _pair_values(torch.median),
             INPUT_MISSING, doc="""
    The median of all elements, or along dim (torch.median); the values only.

    For an even count it is the lower of the two middle values, as in PyTorch.""")
whole_or_dim("tensor_mode", lambda x, keepdim: _values(torch.mode(x.reshape(-1))),
             _pair_values(torch.mode), INPUT_MISSING, doc="""
    The most frequent value of all elements, or along dim (torch.mode); the values only.

    Without dim the mode is over every element (the page's meaning; torch.mode alone would work
    along the last dimension). Ties are settled as PyTorch settles them (the smallest value on
    the CPU).""")
whole_or_dim("tensor_argmax", lambda x, keepdim: torch.argmax(x, keepdim=keepdim),
             lambda x, dim, keepdim: torch.argmax(x, dim, keepdim=keepdim), INPUT_REQUIRED,
             doc="""
    Where the largest element is (torch.argmax): without dim, its index in the flattened tensor.

    -keepdim (by name) keeps the reduced dimensions with size 1. Returns an int64 tensor.""")
whole_or_dim("tensor_argmin", lambda x, keepdim: torch.argmin(x, keepdim=keepdim),
             lambda x, dim, keepdim: torch.argmin(x, dim, keepdim=keepdim), INPUT_REQUIRED,
             doc="""
    Where the smallest element is (torch.argmin): without dim, its index in the flattened tensor.

    -keepdim (by name) keeps the reduced dimensions with size 1. Returns an int64 tensor.""")


def statistic(name, op, doc):
    def body(input, dim, unbiased, keepdim):
        return op(input, dim=list(dim) if dim else None, correction=int(unbiased),
                  keepdim=keepdim)
    body.__doc__ = doc
    reductions.command(name, TENSOR_INPUT, DIMS, UNBIASED, KEEPDIM,
                       forms=["tensor ?dim? ?unbiased? ?keepdim?"],
                       errors={"missing": INPUT_MISSING}, returns="tensor handle")(body)


statistic("tensor_std", torch.std, """
    The standard deviation of all elements, or along dim (torch.std).

    dim may be a list of dimensions. unbiased (default true) divides by n - 1, else by n; a
    single element then gives nan, as in PyTorch (the page says 0).""")
statistic("tensor_var", torch.var, """
    The variance of all elements, or along dim (torch.var).

    dim may be a list of dimensions. unbiased (default true) divides by n - 1, else by n.""")


def _quantiles(q):
    return all(isinstance(v, (int, float)) and 0 <= v <= 1
               for v in (q if isinstance(q, list) else [q]))


@reductions.command("tensor_quantile", TENSOR_INPUT,
                    param("q", NUMBERS, aliases=("quantile",)),
                    WHOLE_OR_DIM, KEEPDIM,
                    param("interpolation", Choice("linear", "lower", "higher", "midpoint",
                                                  "nearest"), "linear"),
                    forms=["tensor q ?dim? ?keepdim?"], errors={"missing": BAD_QUANTILE},
                    returns="tensor handle")
def tensor_quantile(input, q, dim, keepdim, interpolation):
    """The q-th quantile of all elements, or along dim (torch.quantile).

    q lies in [0, 1]; a list of them gives one result per q along a new first dimension.
    -interpolation picks how a quantile between two elements is read: linear (default), lower,
    higher, midpoint or nearest. Floating inputs only, as in PyTorch."""
    if not _quantiles(q):
        raise CommandError(BAD_QUANTILE)
    if isinstance(q, list):
        q = torch.tensor(q, dtype=input.dtype, device=input.device)
    return torch.quantile(input, q, dim, keepdim=keepdim, interpolation=interpolation)


TENSOR_NOT_FOUND = tensor_input(invalid="Tensor not found")


@reductions.command("tensor_unique", TENSOR_NOT_FOUND, param("sorted", BOOL, True),
                    param("return_inverse", BOOL, False), param("return_counts", BOOL, False),
                    WHOLE_OR_DIM, forms=["tensor ?sorted? ?return_inverse?"],
                    returns="tensor handle, or a list {unique h inverse h counts h}")
def tensor_unique(input, sorted, return_inverse, return_counts, dim):
    """The distinct elements of a tensor (torch.unique), or its distinct slices along -dim.

    Alone, the result is a handle. With -returnInverse and/or -returnCounts it is a Tcl dict:
    `unique` the values, `inverse` where each input element went, `counts` how often each
    occurs. sorted=0 leaves the order to PyTorch, which sorts on the CPU anyway (the page
    shows first-seen order)."""
    if not (return_inverse or return_counts):
        return torch.unique(input, sorted=sorted, dim=dim)
    unique, *rest = torch.unique(input, sorted=sorted, return_inverse=return_inverse,
                                 return_counts=return_counts, dim=dim)
    keys = ["inverse"] * return_inverse + ["counts"] * return_counts
    return {"unique": unique, **dict(zip(keys, rest, strict=True))}


@reductions.command("tensor_normalize", TENSOR_NOT_FOUND,
                    param("p", FLOAT, 2.0, invalid="Invalid p value"),
                    _dim(None),
                    param("eps", FLOAT, 1e-8, invalid="Invalid eps value"),
                    forms=["tensor ?p? ?dim?"],
                    errors={"missing": "Usage: torch::tensor_normalize tensor ?p? ?dim? | "
                                       "torch::tensor_normalize -tensor tensor ?-p value? "
                                       "?-dim value?",
                            "unknown": "Unknown parameter: {option}. Valid parameters are: "
                                       "-tensor, -p, -dim, -eps"},
                    returns="tensor handle")
def tensor_normalize(input, p, dim, eps):
    """The tensor divided by its p-norm (torch.nn.functional.normalize), along dim or as a whole.

    With dim, each slice along it gets norm 1; without, the whole tensor does. The norm is
    floored at -eps (default 1e-8), as PyTorch's normalize does, where the page adds eps to it:
    the two agree unless the norm is tiny."""
    if dim is None:
        return F.normalize(input.reshape(-1), p, 0, eps).reshape(input.shape)
    return F.normalize(input, p, dim, eps)
