"""Gradients: backward, reading .grad, and the global grad mode."""

import torch

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.types import BOOL, TENSOR
from .common import TENSOR_INPUT

autograd = Family("autograd", missing="Input tensor is required")

NO_ARGS = {"usage": 'wrong # args: should be "{cmd}"'}


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
