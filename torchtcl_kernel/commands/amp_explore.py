"""torch::amp_explore: how a gradient scaler's scale moves over a synthetic run, for teaching.

Nothing here re-implements the scaler: every step runs torch.amp.GradScaler's own step and update
(through the same AmpScaler the scaler handles hold) on a one-parameter model whose gradient is
made to overflow, or not, as the options say. An overflow is what fp16 would see: the scaled
gradient becomes inf when it passes float16's largest finite value (65504).
"""

import random

import torch

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.types import FLOAT, INT, STRING
from .amp import AmpScaler, any_found
from .common import positive
from .telemetry import view, write_csv

teaching = Family("amp")

FP16_MAX = torch.finfo(torch.float16).max
MAX_STEPS = 200_000     # a run of 200k steps takes about 10 s; beyond that a slider would freeze


def simulate(steps, init_scale, growth_factor, backoff_factor, growth_interval,
             overflow_every=None, overflow_prob=None, grad_max=None, seed=0):
    """The scale used at each step, whether the step was skipped, and the scale after the last
    update, as GradScaler decides them.

    The gradient of each step overflows when `overflow_every` divides the step number (counted
    from 1), with probability `overflow_prob` (seeded), or when `grad_max` times the scale passes
    float16's range; without any of the three, the gradient's largest magnitude is 1.0. Forced
    overflows come on gradients that never overflow by themselves."""
    scaler = AmpScaler("cpu", init_scale, growth_factor, backoff_factor, growth_interval, True)
    weight = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.0)
    draw = random.Random(seed).random
    magnitude = 1.0 if grad_max is None else grad_max
    scales, skipped = [], []
    for step in range(1, steps + 1):
        scale = scaler.torch.get_scale()
        if overflow_every is not None:
            value = float("inf") if step % overflow_every == 0 else 0.0
        elif overflow_prob is not None:
            value = float("inf") if draw() < overflow_prob else 0.0
        else:   # the scaled gradient as float16 holds it: inf past its range
            value = magnitude * scale
        weight.grad = torch.tensor([value], dtype=torch.float16).float()
        scaler.step(optimizer)
        scales.append(scale)
        skipped.append(any_found(scaler.update()))
    return scales, skipped, scaler.torch.get_scale()


def summary(scales, skipped, final_scale):
    """What a teacher wants to read off the run: the dict the command returns."""
    steps = [i for i, s in enumerate(skipped) if s]
    return {"scales": scales, "skipped": steps, "skipped_fraction": len(steps) / len(skipped),
            "final_scale": final_scale}


@teaching.command(
    "amp_explore",
    param("init_scale", FLOAT, 65536.0, check=positive),
    param("growth_factor", FLOAT, 2.0, check=lambda v: v >= 1.0,
      check_msg="Invalid growthFactor: {value} (must be at least 1)"),
    param("backoff_factor", FLOAT, 0.5, check=lambda v: 0.0 < v <= 1.0,
      check_msg="Invalid backoffFactor: {value} (must be in (0, 1])"),
    param("growth_interval", INT, 2000, check=positive),
    param("steps", INT, 6000, check=lambda v: 0 < v <= MAX_STEPS,
      check_msg=f"Invalid steps: {{value}} (must be 1 to {MAX_STEPS})"),
    param("overflow_every", INT, None, check=positive),
    param("overflow_prob", FLOAT, None, check=lambda v: 0.0 <= v <= 1.0,
      check_msg="Invalid overflowProb: {value} (must be in [0, 1])"),
    param("grad_max", FLOAT, None, check=positive),
    param("seed", INT, 0),
    param("save", STRING, None),
    forms=[""],
    returns="dict: scales, skipped (step numbers from 0), skipped_fraction, final_scale")
def amp_explore(ctx, init_scale, growth_factor, backoff_factor, growth_interval, steps,
                overflow_every, overflow_prob, grad_max, seed, save):
    """Run torch.amp.GradScaler's own update rule over -steps synthetic steps and show the scale,
    the skipped steps and the fraction skipped. The gradients overflow every -overflowEvery N
    steps, with probability -overflowProb p, or (-gradMax x, the default with x = 1) when x times
    the scale passes float16's largest value, 65504: the last is what makes the default initial
    scale of 2^16 skip the first steps of fp16 training. In a notebook the view has sliders;
    -save FILE.png|FILE.csv writes the run instead (the CLI has no other view)."""
    modes = [m for m, v in (("-overflowEvery", overflow_every), ("-overflowProb", overflow_prob),
                            ("-gradMax", grad_max)) if v is not None]
    if len(modes) > 1:
        raise CommandError(f"{' and '.join(modes)} exclude each other: give at most one")
    settings = dict(init_scale=init_scale, growth_factor=growth_factor,
                    backoff_factor=backoff_factor, growth_interval=growth_interval, steps=steps,
                    overflow_every=overflow_every, overflow_prob=overflow_prob, grad_max=grad_max,
                    seed=seed)
    result = run(settings)
    if save and save.lower().endswith(".csv"):
        skipped = set(result["skipped"])
        write_csv(save, {"scale": result["scales"],
                         "skipped": [int(i in skipped) for i in range(steps)]})
    elif save:
        view(ctx, "amp_explorer", "AMP explorer view").save(save, settings, result)
    if ctx.amp_explorer is not None:
        ctx.amp_explorer.show(settings, result, run)
    return result


def run(settings):
    """The summary of a run with these settings (the keyword arguments of `simulate`)."""
    settings = dict(settings)
    steps = settings.pop("steps")
    return summary(*simulate(steps, **settings))

