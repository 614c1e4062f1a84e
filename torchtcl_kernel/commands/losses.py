"""Loss functions over tensor handles (torch.nn.functional)."""

import torch.nn.functional as F

from ..core.registry import Family, param
from ..core.types import FLOAT, INT, TENSOR, Choice
from .common import tensor_input

losses = Family("losses", missing="Required parameters {required} must be provided")

REDUCTION = param("reduction", Choice("mean", "sum", "none"), "mean")
PAIR = (tensor_input(label="input", aliases=(), invalid="Invalid input tensor name"),
        param("target", TENSOR, invalid="Invalid target tensor name"))


@losses.command("mse_loss", *PAIR, REDUCTION, returns="tensor handle")
def mse_loss(input, target, reduction):
    """Mean squared error between input and target."""
    return F.mse_loss(input, target, reduction=reduction)


@losses.command("cross_entropy_loss", *PAIR, param("weight", TENSOR, None), REDUCTION,
                param("ignore_index", INT, -100), param("label_smoothing", FLOAT, 0.0),
                forms=["input target ?weight? ?reduction?", "input target ?reduction?"],
                returns="tensor handle")
def cross_entropy_loss(input, target, weight, reduction, ignore_index, label_smoothing):
    """Cross entropy of logits against class indices (or class probabilities)."""
    return F.cross_entropy(input, target, weight=weight, reduction=reduction,
                           ignore_index=ignore_index, label_smoothing=label_smoothing)
