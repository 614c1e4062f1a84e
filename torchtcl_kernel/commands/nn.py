"""Layers and models: building them, running them, reaching their parameters."""

import torch

from ..core.registry import Family, param
from ..core.types import BOOL, INT, MODULE, HandleList
from .common import positive, tensor_input

nn = Family("nn", missing="Required parameter missing: {name}")

POSITIVE = dict(check=positive, check_msg="Invalid {name}: {value} (must be positive)")


@nn.command("linear", param("in_features", INT, **POSITIVE), param("out_features", INT, **POSITIVE),
            param("bias", BOOL, True), aliases=("linearLayer",), returns="module handle")
def linear(in_features, out_features, bias):
    """A fully connected layer, torch.nn.Linear: y = x W^T + b."""
    return torch.nn.Linear(in_features, out_features, bias=bias)


@nn.command("sequential", param("modules", HandleList("module"), (), label="module_list"),
            returns="module handle")
def sequential(modules):
    """A torch.nn.Sequential running the given modules in order (they share their parameters)."""
    return torch.nn.Sequential(*modules)


@nn.command("layer_forward", param("layer", MODULE, label="layer_handle"),
            tensor_input(label="input_tensor", aliases=(), invalid="Invalid input tensor name"),
            errors={"missing": "Required parameters missing: {required_names}"},
            returns="tensor handle")
def layer_forward(layer, input):
    """The module applied to input: its forward pass."""
    return layer(input)


@nn.command("layer_parameters", param("layer", MODULE, label="layer_name"),
            returns="list of tensor handles")
def layer_parameters(layer):
    """Handles to the module's parameters (the live tensors an optimizer updates)."""
    return list(layer.parameters())
