"""Element-wise activations."""

import torch

from ..core.registry import Family
from .common import TENSOR_INPUT

activations = Family("activations")


def activation(name, op, doc):
    def body(input):
        return op(input)
    body.__doc__ = doc
    activations.command(name, TENSOR_INPUT, returns="tensor handle")(body)


activation("tensor_relu", torch.relu, "max(0, x) for each element.")
activation("tensor_sigmoid", torch.sigmoid, "1 / (1 + exp(-x)) for each element.")
activation("tensor_tanh", torch.tanh, "The hyperbolic tangent of each element.")
