"""Gradients: backward, reading .grad, and the global grad mode."""

import sys
import warnings

import torch

from ..core.errors import CommandError
from ..core.registry import REGISTRY, Family, param
from ..core.types import (
    BOOL,
    FLOAT,
    FUNCTION,
    INT,
    TENSOR,
    TENSOR_OR_NUMBER,
    TENSORS_OR_DICT,
    TENSORS_OR_FUNCTION,
    HandleList,
)
from .common import TENSOR_INPUT, non_negative, positive

autograd = Family("autograd", missing="Input tensor is required")

NO_ARGS = {"usage": 'wrong # args: should be "{cmd}"'}
TENSORS = HandleList("tensor", allow_empty=False)


@autograd.command("tensor_backward", TENSOR_INPUT, param("gradient", TENSOR, None),
                  param("retain_graph", BOOL, False), forms=["tensor"], returns="OK")
def tensor_backward(input, gradient, retain_graph):
    """Backpropagate from input (a scalar, or pass -gradient) into every leaf's .grad."""
    if not input.requires_grad:
        raise CommandError("Tensor does not require gradients")
    input.backward(gradient, retain_graph=retain_graph)
    return "OK"


@autograd.command("tensor_grad", TENSOR_INPUT, returns="tensor handle")
def tensor_grad(input):
    """The gradient accumulated in input.grad (the same tensor, not a copy)."""
    if not input.requires_grad:
        raise CommandError("Tensor does not require gradients")
    if input.grad is None:
        raise CommandError("No gradient computed yet")
    return input.grad


@autograd.command("tensor_requires_grad", TENSOR_INPUT,
                  errors={"usage": "Invalid number of arguments"}, returns="1 or 0")
def tensor_requires_grad(input):
    """Whether autograd records operations on input."""
    return input.requires_grad


@autograd.command("no_grad", errors=NO_ARGS, returns="ok")
def no_grad():
    """Turn gradient recording off for everything that follows, until enable_grad."""
    torch.set_grad_enabled(False)
    return "ok"


@autograd.command("enable_grad", errors=NO_ARGS, returns="ok")
def enable_grad():
    """Turn gradient recording back on."""
    torch.set_grad_enabled(True)
    return "ok"


# --- functional autograd (issue 19) ----------------------------------------------------------
# A function word is a Tcl proc name, a lambda {args body} as `apply` takes it, or a module
# handle (core/types.py Function). PyTorch calls it with one tensor handle per input (a list of
# inputs gives several arguments); it returns a tensor handle, or a list of them. Results follow
# the inputs: one input gives one handle, several a list (one per input).

FUNC = param("func", FUNCTION, aliases=("function",))
INPUTS = param("inputs", TENSORS, aliases=("input",))
VECTORS = param("v", TENSORS, aliases=("vector",))
EPS_CHECK = {"check": positive, "check_msg": "eps must be positive", "invalid": "Invalid eps value"}
ATOL = param("atol", FLOAT, 1e-5, check=non_negative)
RTOL = param("rtol", FLOAT, 1e-3, check=non_negative)
FUNC_MISSING = {"missing": "Required parameters missing: func and inputs required"}


def _forward_mode():
    """Forward-mode AD (jvp, hessian) loads PyTorch's jvp decompositions on first use, which
    compiles them with torch.jit.script and so warns that it is deprecated: not the script's
    concern, so load them once, quietly."""
    if "torch._decomp.decompositions_for_jvp" not in sys.modules:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            torch.autograd.forward_ad._maybe_load_decompositions()


def _argnums(inputs):
    return 0 if len(inputs) == 1 else tuple(range(len(inputs)))


def _single(values):
    """One input's result as it is, several inputs' as a list."""
    return values[0] if isinstance(values, (tuple, list)) and len(values) == 1 else values


@autograd.command(
    "grad", param("outputs", TENSORS_OR_FUNCTION, aliases=("output", "func", "function")),
    INPUTS, param("grad_outputs", TENSORS, None), param("retain_graph", BOOL, None),
    param("create_graph", BOOL, False), param("allow_unused", BOOL, False),
    forms=["outputs inputs"],
    errors={"missing": "Required parameters missing: outputs and inputs tensors required"},
    returns="tensor handle (a list of them for several inputs)")
def grad(outputs, inputs, grad_outputs, retain_graph, create_graph, allow_unused):
    """Gradients of outputs with respect to inputs: torch.autograd.grad over a graph already
    built (tensor outputs), or torch.func.grad of a function (a proc or lambda returning a scalar
    tensor). The page's placeholder returned zeros; this computes the real gradient. With tensor
    outputs, -gradOutputs gives the vector for non-scalar outputs, and -allowUnused returns zeros
    for an input the outputs do not depend on (PyTorch's allow_unused, materialized)."""
    if not isinstance(outputs, list):
        if grad_outputs is not None or retain_graph is not None or allow_unused:
            raise CommandError("-gradOutputs, -retainGraph and -allowUnused apply to tensor "
                               "outputs, not to a function")
        return torch.func.grad(outputs, argnums=_argnums(inputs))(*inputs)
    return _single(torch.autograd.grad(outputs, inputs, grad_outputs, retain_graph=retain_graph,
                                       create_graph=create_graph, allow_unused=allow_unused,
                                       materialize_grads=allow_unused))


def _functional(name, transform, doc, aliases=(), errors=None, vector=False):
    """Declare a command that applies a torch.func transform of a function to the inputs."""
    params = (FUNC, INPUTS, VECTORS) if vector else (FUNC, INPUTS)
    if vector:
        def command(func, inputs, v):
            return transform(func, inputs, v)
    else:
        def command(func, inputs):
            return transform(func, inputs)
    command.__doc__, command.__name__ = doc, name
    autograd.command(name, *params, aliases=aliases, errors=errors or FUNC_MISSING,
                     returns="tensor handle (a list of them for several inputs)")(command)


def _vjp(func, inputs, v):
    out, pullback = torch.func.vjp(func, *inputs)
    return _single(pullback(v[0] if isinstance(out, torch.Tensor) else tuple(v)))


def _hessian(func, inputs):
    _forward_mode()
    return torch.func.hessian(func, argnums=_argnums(inputs))(*inputs)


def _jvp(func, inputs, v):
    _forward_mode()
    return torch.func.jvp(func, tuple(inputs), tuple(v))[1]


_functional(
    "jacobian", lambda f, xs: torch.func.jacrev(f, argnums=_argnums(xs))(*xs),
    """The Jacobian of a function at the inputs (torch.func.jacrev): shape output shape + input
    shape (n x n for a function from n values to n values). The page's placeholder gave an
    identity matrix of the flattened input; this is PyTorch's real Jacobian, in its shape.""",
    aliases=("Jacobian",))
_functional(
    "hessian", _hessian,
    """The Hessian of a scalar function at the inputs (torch.func.hessian): shape input shape
    twice. The page's placeholder gave an identity matrix; this is the real Hessian.""")
_functional(
    "vjp", _vjp,
    """The vector-Jacobian product v^T J of a function at the inputs (torch.func.vjp): one tensor
    per input, shaped like it. v is shaped like the function's output (a list of tensors for a
    function returning several). The page's placeholder multiplied v and the inputs instead.""",
    aliases=("vectorJacobianProduct",), vector=True,
    errors={"missing": "Required parameters missing: -func, -inputs, and -v"})
_functional(
    "jvp", _jvp,
    """The Jacobian-vector product J v of a function at the inputs, forward mode
    (torch.func.jvp): shaped like the function's output. v holds one tangent per input, shaped
    like it. The page's placeholder multiplied v and the inputs instead.""",
    vector=True,
    errors={"usage": "Usage: jvp func inputs v", "missing_positional": "Usage: jvp func inputs v",
            "missing": "Usage: jvp -func function -inputs inputs -v vector",
            "no_value": "Usage: jvp -func function -inputs inputs -v vector"})


@autograd.command("vmap", FUNC, INPUTS, param("in_dims", INT, 0), param("out_dims", INT, 0),
                  forms=["func inputs"], aliases=("vectorMap",),
                  errors={"missing": "Required parameters missing: -func and -inputs"},
                  returns="tensor handle (a list of them for a function returning several)")
def vmap(func, inputs, in_dims, out_dims):
    """Map a function over one dimension of its inputs (torch.func.vmap): the function sees one
    slice of each input (dimension -inDims, 0 by default, removed) and the results are stacked
    along -outDims. The page's placeholder returned the input unchanged."""
    return torch.func.vmap(func, in_dims=in_dims, out_dims=out_dims)(*inputs)


def _gradcheck(func, inputs, eps, atol, rtol):
    """torch.autograd.gradcheck on double-precision copies of the inputs (what it needs to be
    reliable), every floating one requiring grad."""
    wider = {torch.complex64: torch.complex128, torch.complex32: torch.complex128}
    copies = []
    for x in inputs:
        if x.is_floating_point() or x.is_complex():
            x = x.detach().to(wider.get(x.dtype, torch.float64) if x.is_complex()
                              else torch.float64).requires_grad_(True)
        copies.append(x)
    with torch.enable_grad():
        return torch.autograd.gradcheck(func, tuple(copies), eps=eps, atol=atol, rtol=rtol,
                                        raise_exception=False)


@autograd.command("grad_check", FUNC, INPUTS, param("eps", FLOAT, 1e-6, **EPS_CHECK), ATOL, RTOL,
                  forms=["func inputs"], errors=FUNC_MISSING, returns="1 or 0")
def grad_check(func, inputs, eps, atol, rtol):
    """Whether a function's autograd gradients match finite differences
    (torch.autograd.gradcheck, run on float64 copies of the inputs). The page's placeholder
    always answered 1."""
    return _gradcheck(func, inputs, eps, atol, rtol)


@autograd.command("grad_check_finite_diff", FUNC, INPUTS,
                  param("eps", FLOAT, 1e-5, aliases=("epsilon",), **EPS_CHECK), ATOL, RTOL,
                  forms=["func inputs ?eps?"], errors=FUNC_MISSING, returns="1 or 0")
def grad_check_finite_diff(func, inputs, eps, atol, rtol):
    """Whether a function's autograd gradients match central finite differences with step eps
    (torch.autograd.gradcheck with that eps, on float64 copies of the inputs). The page's
    placeholder always answered 1."""
    return _gradcheck(func, inputs, eps, atol, rtol)


@autograd.command("functional_call", FUNC, param("parameters", TENSORS_OR_DICT),
                  param("args", TENSOR_OR_NUMBER, (), variadic=True),
                  forms=["func parameters ?args ...?"],
                  errors={"missing": "Required parameters missing: func and parameters required"},
                  returns="the function's result: a tensor handle or a list of them")
def functional_call(func, parameters, args):
    """Call a module with some of its parameters and buffers replaced, without changing it
    (torch.func.functional_call): parameters is a dict name -> tensor handle, args the forward's
    inputs. With a Tcl function instead of a module, the function is called with the parameter
    tensors followed by args. The page's placeholder returned the parameters."""
    if isinstance(func, torch.nn.Module):
        if not isinstance(parameters, dict):
            raise CommandError("Invalid parameters: a module takes a dict name -> tensor handle "
                               "(names as its parameters and buffers have them)")
        return torch.func.functional_call(func, parameters, tuple(args))
    if parameters:
        if isinstance(parameters, dict):
            raise CommandError("Invalid parameters: a dict of named tensors needs a module "
                               "handle")
    else:
        parameters = []                  # `{}`: no parameters, only args
    return func(*parameters, *args)


@autograd.command("is_grad_enabled", errors=NO_ARGS, returns="1 or 0")
def is_grad_enabled():
    """Whether autograd records operations now (the global grad mode)."""
    return torch.is_grad_enabled()


@autograd.command("set_grad_enabled", param("enabled", BOOL),
                  errors={"missing": "Required parameter missing: enabled"}, returns="ok")
def set_grad_enabled(enabled):
    """Turn gradient recording on or off for everything that follows (torch.set_grad_enabled)."""
    torch.set_grad_enabled(enabled)
    return "ok"


FUNC_NOTE = """The function (-func) is a proc name, a lambda {args body} as `apply` takes it, or a
module handle (its forward). It is called with one tensor handle per input (inputs given as a
list make several arguments) and returns a tensor handle or a list of them. Its Tcl errors come
out unchanged; handles it made and did not keep are freed once the call is done (unless
their names became text, as with any handle)."""
for _name in ("grad", "jacobian", "hessian", "vjp", "jvp", "vmap", "grad_check",
              "grad_check_finite_diff", "functional_call"):
    REGISTRY[_name].doc += "\n\n" + FUNC_NOTE
