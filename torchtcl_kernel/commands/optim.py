"""Optimizers (torch.optim) and stepping them."""

import torch

from ..core.registry import Family, P
from ..core.types import BOOL, FLOAT, OPTIMIZER, HandleList

optim = Family("optim", missing="Required parameter missing: {name}")

PARAMS = P("parameters", HandleList("tensor", allow_empty=False), aliases=("params",))
NON_NEGATIVE = dict(check=lambda v: v >= 0, check_msg="Invalid {name}: {value} (must be >= 0)")
OPTIMIZER_P = P("optimizer", OPTIMIZER, aliases=("opt",))


@optim.command("optimizer_sgd", PARAMS,
               P("lr", FLOAT, 0.01, aliases=("learningRate",), check=lambda v: v > 0,
                 check_msg="Invalid learning rate: {value} (must be positive)"),
               P("momentum", FLOAT, 0.0, **NON_NEGATIVE), P("dampening", FLOAT, 0.0, **NON_NEGATIVE),
               P("weight_decay", FLOAT, 0.0, **NON_NEGATIVE), P("nesterov", BOOL, False),
               forms=["parameters lr ?momentum? ?dampening? ?weight_decay? ?nesterov?"],
               returns="optimizer handle")
def optimizer_sgd(parameters, lr, momentum, dampening, weight_decay, nesterov):
    """Stochastic gradient descent, torch.optim.SGD (with optional momentum / Nesterov)."""
    return torch.optim.SGD(parameters, lr=lr, momentum=momentum, dampening=dampening,
                           weight_decay=weight_decay, nesterov=nesterov)


@optim.command("optimizer_step", OPTIMIZER_P, returns="OK")
def optimizer_step(optimizer):
    """One update of the optimizer's parameters from their gradients."""
    optimizer.step()
    return "OK"


@optim.command("optimizer_zero_grad", OPTIMIZER_P, P("set_to_none", BOOL, True),
               returns="OK")
def optimizer_zero_grad(optimizer, set_to_none):
    """Clear the gradients of the optimizer's parameters (to None by default, as PyTorch does)."""
    optimizer.zero_grad(set_to_none=set_to_none)
    return "OK"
