"""A whole training step in one command: torch::train_step.

The step is the one a script writes command by command (zero_grad, forward under autocast, the
loss, a scaled backward, the scaler's step and update, the scheduler's step), run by the same
PyTorch calls in the same order, with the same telemetry records: the loss trajectory is the same
to the bit. Measured (`make bench`), it is also a little faster than the separate commands: inside a
step each entry into Python costs several microseconds of cache refills, and this makes one.
A torch::compile handle as the model runs the whole step compiled, optimizer included
(fused_step.py), where it can, and the model alone compiled where it cannot.
"""

import torch
import torch.nn.functional as F

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.types import MODULE, OPTIMIZER, TENSOR, Choice
from .amp import AUTOCAST_DTYPES, SCALER, step_recorded, update_recorded
from .fused_step import fused_step, loss_of
from .optim import record_optimizer_lr
from .schedulers import SCHEDULER, advance

training = Family("training")

# torch.nn.functional's losses of (output, target), as -loss names them
LOSSES = {"cross_entropy": F.cross_entropy, "nll": F.nll_loss, "mse": F.mse_loss,
          "l1": F.l1_loss, "smooth_l1": F.smooth_l1_loss, "huber": F.huber_loss,
          "bce": F.binary_cross_entropy, "bce_with_logits": F.binary_cross_entropy_with_logits}


@training.command(
    "train_step", param("model", MODULE, invalid="Model not found"),
    param("input", TENSOR, invalid="Invalid input tensor name"),
    param("target", TENSOR, invalid="Invalid target tensor name"),
    param("optimizer", OPTIMIZER, aliases=("opt",), invalid="Invalid optimizer handle"),
    param("loss", Choice(*LOSSES), "cross_entropy"),
    param("scaler", SCALER, None, aliases=("grad_scaler",), invalid="Gradient scaler not found"),
    param("autocast", Choice("none", "float16", "bfloat16"), "none",
          doc="the reduced dtype of the forward pass, on the input's device"),
    param("scheduler", SCHEDULER, None, aliases=("lr_scheduler",),
          invalid="Scheduler not found"),
    forms=["model input target optimizer ?loss?"], errors={"missing": "Usage: {usage}"},
    returns="tensor handle (the loss, detached)")
def train_step(ctx, model, input, target, optimizer, loss, scaler, autocast, scheduler):
    """One training step of model on a batch: the optimizer's zero_grad, the forward pass (under
    torch.autocast in the -autocast dtype when given), the -loss of the output against target,
    backward (of the loss scaled by -scaler when given), the optimizer's step (through the
    scaler, which skips it when the gradients hold inf/NaN), the scaler's update, then the
    -scheduler's step. The same calls, in the same order, as the commands a script would run
    for it, and the same telemetry records. A ReduceLROnPlateau scheduler steps on the loss.
    L-BFGS, which needs the loss recomputed, gets the step as its closure (not with -scaler:
    GradScaler cannot step a closure). With a torch::compile handle as the model, the whole
    step is compiled from its second call on, the optimizer's update included (the first runs
    eagerly); torch::compile_info says whether it is (step fused) or why not."""
    lbfgs = isinstance(optimizer, torch.optim.LBFGS)
    if lbfgs and scaler is not None:
        raise CommandError("-scaler cannot step L-BFGS: GradScaler does not support closures")
    function = LOSSES[loss]
    dtype = None if autocast == "none" else AUTOCAST_DTYPES[autocast]
    fused = None if lbfgs else fused_step(model, optimizer, function, scaler, dtype)
    # a setup's first step runs eagerly: compiling the model alone for it would be wasted
    forward = fused.model if fused is not None and fused.state == "pending" else model

    def closure():
        optimizer.zero_grad()
        value = loss_of(forward, function, dtype, input, target)
        (value if scaler is None else scaler.scale(value)).backward()
        return value

    value = failed = None
    if fused is not None and fused.ready:
        try:
            value = fused.run(input, target)
        except fused.errors() as e:
            failed = e    # the step runs unfused below: if it succeeds, fusing is given up
    if lbfgs:
        value = optimizer.step(closure)
        record_optimizer_lr(ctx, optimizer)
    elif value is not None:
        if scaler is None:
            record_optimizer_lr(ctx, optimizer)
        else:
            with fused.stepping(ctx):
                step_recorded(ctx, scaler, optimizer)
            update_recorded(ctx, scaler)
    else:
        value = closure()
        if scaler is None:
            optimizer.step()
            record_optimizer_lr(ctx, optimizer)
        else:
            step_recorded(ctx, scaler, optimizer)
            update_recorded(ctx, scaler)
        if failed is not None:
            fused.failed(failed, ctx)
        elif fused is not None:
            fused.warmed_up()
    if scheduler is not None:
        advance(ctx, scheduler, value.item() if scheduler.needs_metric else None)
    return value.detach() if value.requires_grad else value     # (a fused step's is detached)
