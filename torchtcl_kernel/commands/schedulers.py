"""Learning-rate schedulers: torch.optim.lr_scheduler classes under scheduler handles.

Every schedule PyTorch has is PyTorch's class; the warmup schedules are LambdaLR with the
reference's factor, and inverse_sqrt / noam are the reference's formulas (extra_schedulers.py).
A scheduler advances with `lr_scheduler_step_update $s`, `lr_scheduler_step $s` or
`lr_scheduler_step_advanced $s ?metric?` (the plateau schedulers need the metric).
"""

import re
import warnings

import torch
from torch.optim import lr_scheduler

from ..core.errors import CommandError
from ..core.registry import REGISTRY, UNKNOWN_LISTED, Family, Read, param
from ..core.types import (
    BOOL,
    FLOAT,
    INT,
    Choice,
    Handle,
    IntList,
    LambdaOrNumber,
    tcl_int,
    tcl_list,
)
from .common import non_negative, optimizer_param, positive
from .extra_schedulers import InverseSqrtLR, NoamLR

INVALID = "Required parameters missing or invalid"
BAD_OPTIMIZER = "Invalid optimizer name"
PAIRS = {"no_value": "Named parameters must be in pairs"}
schedulers = Family("schedulers", missing=INVALID, check=INVALID)

SCHEDULER = Handle("scheduler")


class Scheduler:
    """What a scheduler handle holds: the torch scheduler, its optimizer and its kind."""

    handle_kind = "scheduler"

    def __init__(self, kind, torch_scheduler, optimizer, prefix=None):
        self.kind = kind
        # step_scheduler1, inverse_sqrt_scheduler2; some pages name their handles otherwise
        self.handle_prefix = prefix or f"{kind}_scheduler"
        self.torch = torch_scheduler
        self.optimizer = optimizer
        self.needs_metric = isinstance(torch_scheduler, lr_scheduler.ReduceLROnPlateau)

    def step(self, metric=None):
        with warnings.catch_warnings():
            # PyTorch warns when a schedule is stepped before its optimizer ever was; stepping a
            # schedule on its own is how its curve is explored, so that is not a mistake here.
            warnings.filterwarnings("ignore", re.escape("Detected call of `lr_scheduler.step()`"))
            self._step(metric)

    def _step(self, metric):
        if self.needs_metric:
            if metric is None:
                raise CommandError(f"a {self.kind} scheduler steps on a metric: "
                                   "torch::lr_scheduler_step_advanced $scheduler METRIC")
            self.torch.step(metric)
        else:
            self.torch.step()          # a metric means nothing to the other schedules

    def lrs(self):
        return [g["lr"] for g in self.optimizer.param_groups]

    def steps(self):
        return self.torch.last_epoch

    def summary(self):
        return {"type": type(self.torch).__name__, "lr": self.lrs()[0], "steps": self.steps(),
                "bytes": 0}


LAST_EPOCH = param("last_epoch", INT, -1, check=lambda v: v >= -1)
# Pages that let lastEpoch be any integer (a resumed count below -1 only delays the schedule).
ANY_LAST_EPOCH = param("last_epoch", INT, -1)


def _resumable(optimizer, last_epoch):
    # PyTorch resumes a schedule (last_epoch >= 0) from each group's initial_lr.
    if last_epoch != -1:
        for g in optimizer.param_groups:
            g.setdefault("initial_lr", g["lr"])


def scheduler(name, *params, build, doc, forms=None, errors=None, optimizer=None, prefix=None,
              lookups_last=False):
    """Declare a scheduler command. build(optimizer, **options) -> a torch LR scheduler.
    `prefix` names its handles (default `<kind>_scheduler`); lookups_last: see registry.Command."""
    kind = name[len("lr_scheduler_"):]
    prefix = prefix or f"{kind}_scheduler"

    def create(optimizer, **options):
        if "last_epoch" in options:
            _resumable(optimizer, options["last_epoch"])
        return Scheduler(kind, build(optimizer, **options), optimizer, prefix)
    create.__doc__ = doc
    schedulers.command(name, optimizer or optimizer_param(BAD_OPTIMIZER), *params, forms=forms,
                       errors=errors, returns=f"scheduler handle ({prefix}<N>)",
                       lookups_last=lookups_last)(create)


# --- warmup schedules (LambdaLR with the reference's factor) -------------------------------------
def _constant_with_warmup(opt, num_warmup_steps, last_epoch):
    # No warmup (0) is the constant LR; a step before 0 (a negative lastEpoch) has LR 0.
    return lr_scheduler.LambdaLR(
        opt, lambda t: 1.0 if t >= num_warmup_steps else max(0, t) / max(1, num_warmup_steps),
        last_epoch=last_epoch)


scheduler("lr_scheduler_constant_with_warmup",
          param("num_warmup_steps", INT, check=non_negative, label="warmup_steps"),
          ANY_LAST_EPOCH, build=_constant_with_warmup, prefix="constant_warmup_scheduler_",
          doc="LR rises linearly from 0 to the optimizer's LR over numWarmupSteps, then stays.")


def _linear_with_warmup(opt, num_warmup_steps, num_training_steps, last_epoch):
    if num_warmup_steps > num_training_steps:
        raise CommandError(f"{INVALID} (numWarmupSteps must not exceed numTrainingSteps)")

    def factor(t):
        if t < num_warmup_steps:
            return t / max(1, num_warmup_steps)
        return max(0.0, (num_training_steps - t) / max(1, num_training_steps - num_warmup_steps))
    return lr_scheduler.LambdaLR(opt, factor, last_epoch=last_epoch)


scheduler("lr_scheduler_linear_with_warmup",
          param("num_warmup_steps", INT, check=non_negative),
          param("num_training_steps", INT, check=positive), LAST_EPOCH,
          build=_linear_with_warmup, prefix="linear_warmup_scheduler",
          doc="LR rises linearly from 0 over numWarmupSteps, then falls linearly to 0 at "
              "numTrainingSteps.")

# --- PyTorch's schedules ------------------------------------------------------------------------
COSINE_ERRORS = {"missing_positional": "Invalid number of arguments",
                 "usage": "Invalid number of arguments"}
for _name in ("lr_scheduler_cosine", "lr_scheduler_cosine_annealing"):
    scheduler(_name,
              param("t_max", INT, aliases=("T_max",), label="T_max", check=positive,
                    invalid="Invalid T_max value"),
              param("eta_min", FLOAT, 0.0, label="eta_min", invalid="Invalid eta_min value"),
              errors=COSINE_ERRORS,
              build=lambda opt, t_max, eta_min: lr_scheduler.CosineAnnealingLR(opt, t_max, eta_min),
              doc="Cosine annealing from the optimizer's LR down to etaMin over tMax steps, "
                  "torch.optim.lr_scheduler.CosineAnnealingLR.")

scheduler("lr_scheduler_cosine_annealing_warm_restarts",
          param("t_0", INT, aliases=("t0", "T_0", "T0"), label="T_0", check=positive),
          param("t_mult", INT, 1, aliases=("T_mult", "TMult"), label="T_mult",
                check=lambda v: v >= 1),
          param("eta_min", FLOAT, 0.0, check=non_negative),
          build=lambda opt, t_0, t_mult, eta_min: lr_scheduler.CosineAnnealingWarmRestarts(
              opt, t_0, t_mult, eta_min),
          doc="Cosine annealing restarted every T_0 steps, each cycle T_mult times longer, "
              "torch.optim.lr_scheduler.CosineAnnealingWarmRestarts.")


def _cyclic(opt, base_lr, max_lr, step_size, mode, gamma, step_size_down, cycle_momentum,
            base_momentum, max_momentum):
    if max_lr <= base_lr:
        raise CommandError(f"{INVALID} (maxLr must be greater than baseLr)")
    return lr_scheduler.CyclicLR(opt, base_lr, max_lr, step_size_up=step_size,
                                 step_size_down=step_size_down, mode=mode, gamma=gamma,
                                 cycle_momentum=cycle_momentum, base_momentum=base_momentum,
                                 max_momentum=max_momentum)


scheduler("lr_scheduler_cyclic", param("base_lr", FLOAT, check=positive),
          param("max_lr", FLOAT, check=positive), param("step_size", INT, 2000, check=positive),
          param("mode", Choice("triangular", "triangular2", "exp_range"), "triangular"),
          param("gamma", FLOAT, 1.0, check=positive),
          param("step_size_down", INT, None, check=positive),
          param("cycle_momentum", BOOL, True), param("base_momentum", FLOAT, 0.8),
          param("max_momentum", FLOAT, 0.9),
          forms=["optimizer base_lr max_lr ?step_size? ?mode?"], build=_cyclic,
          doc="LR cycles between baseLr and maxLr, stepSize steps each way, "
              "torch.optim.lr_scheduler.CyclicLR (which also cycles momentum, as PyTorch does).")

scheduler("lr_scheduler_exponential",
          param("gamma", FLOAT, 0.95, aliases=("decay",), check=positive,
                check_msg="Invalid gamma parameter (must be positive)"),
          errors={"missing": "Required parameter missing: {option}"},
          build=lambda opt, gamma: lr_scheduler.ExponentialLR(opt, gamma),
          doc="LR multiplied by gamma every step, torch.optim.lr_scheduler.ExponentialLR.")

scheduler("lr_scheduler_exponential_decay",
          param("gamma", FLOAT, 0.95, check=lambda v: 0 < v <= 1, invalid="Invalid gamma value",
                check_msg=INVALID + " (gamma must be between 0 and 1)"),
          errors={"missing": INVALID + " (optimizer handle required)", **PAIRS}, prefix="scheduler",
          optimizer=optimizer_param("Invalid optimizer handle"),
          build=lambda opt, gamma: lr_scheduler.ExponentialLR(opt, gamma),
          doc="LR multiplied by gamma (0 < gamma <= 1) every step, "
              "torch.optim.lr_scheduler.ExponentialLR.")

scheduler("lr_scheduler_inverse_sqrt",
          param("warmup_steps", INT, check=positive, invalid="Invalid warmup_steps value",
                check_msg=INVALID + " (warmup_steps must be positive...)"),
          param("decay_factor", FLOAT, 1.0, check=positive, invalid="Invalid decay_factor value",
                check_msg=INVALID + " (decay_factor must be positive...)"),
          errors={"missing": INVALID + " (optimizer handle and warmup_steps required...)",
                  "missing_positional": "Usage: {usage}", **PAIRS},
          build=lambda opt, warmup_steps, decay_factor: InverseSqrtLR(opt, warmup_steps,
                                                                      decay_factor),
          doc="Linear warmup to the optimizer's LR over warmupSteps, then decay as "
              "sqrt(warmupSteps / step), all scaled by decayFactor.")


def _lambda(f_or_m, as_power):
    """A constant factor m means m ** epoch (LambdaLR) or m each step (MultiplicativeLR)."""
    if callable(f_or_m):
        return f_or_m
    return (lambda e: f_or_m ** e) if as_power else (lambda e: f_or_m)


scheduler("lr_scheduler_lambda",
          param("multiplier", LambdaOrNumber("multiplier"), 1.0, aliases=("lambda", "lr_lambda")),
          build=lambda opt, multiplier: lr_scheduler.LambdaLR(opt, _lambda(multiplier, True)),
          doc="LR = initial LR x f(epoch), torch.optim.lr_scheduler.LambdaLR. A number m means "
              "f(epoch) = m^epoch; a Tcl lambda {epoch {expr ...}} is f itself.")

# multi_step and multiplicative read and check every word before they look the optimizer up.
scheduler("lr_scheduler_multiplicative",
          param("lr_lambda", LambdaOrNumber("lr_lambda"), aliases=("multiplier",),
                invalid="Invalid lr_lambda value"),
          errors={"missing_positional": "Usage: {usage}"}, lookups_last=True,
          build=lambda opt, lr_lambda: lr_scheduler.MultiplicativeLR(
              opt, _lambda(lr_lambda, False)),
          doc="LR multiplied by f(epoch) every step, torch.optim.lr_scheduler.MultiplicativeLR. "
              "A number m means f = m; a Tcl lambda {epoch {expr ...}} is f itself.")

class Milestones(IntList):
    """multi_step's list of steps: its own texts for a word that is no list and for an item that
    is no integer, and an empty list counts as missing (as the reference has it)."""

    bad_example = "1 x"
    empty_is_missing = True

    def convert(self, ctx, word):
        try:
            items = tcl_list(ctx, word)
        except CommandError:
            raise CommandError("Invalid milestones list") from None
        try:
            return tuple(tcl_int(ctx, w) for w in items)
        except CommandError as e:
            if e.code == "RANGE":       # beyond int64: the registry names the parameter
                raise
            raise CommandError("Invalid milestone value") from None


scheduler("lr_scheduler_multi_step", param("milestones", Milestones()),
          param("gamma", FLOAT, 0.1, check=positive, invalid="Invalid gamma value"),
          errors={"missing": "Required parameters missing: -optimizer and -milestones are required",
                  "missing_positional": "Usage: {usage}"}, lookups_last=True,
          build=lambda opt, milestones, gamma: lr_scheduler.MultiStepLR(
              opt, sorted(milestones), gamma),
          doc="LR multiplied by gamma at each milestone step, "
              "torch.optim.lr_scheduler.MultiStepLR.")

scheduler("lr_scheduler_noam",
          param("model_size", INT, check=positive, check_msg="modelSize must be positive"),
          param("warmup_steps", INT, 4000, check=positive,
                check_msg="warmupSteps must be positive"),
          errors={"missing": "Required parameter '{camel}' is missing"},
          build=lambda opt, model_size, warmup_steps: NoamLR(opt, model_size, warmup_steps),
          doc="The Transformer schedule: modelSize^-0.5 x min(step^-0.5, step x warmupSteps^-1.5).")


def _one_cycle(opt, max_lr, total_steps, pct_start, anneal_strategy, div_factor,
               final_div_factor, three_phase, cycle_momentum, base_momentum, max_momentum):
    return lr_scheduler.OneCycleLR(opt, max_lr, total_steps=total_steps, pct_start=pct_start,
                                   anneal_strategy=anneal_strategy, div_factor=div_factor,
                                   final_div_factor=final_div_factor, three_phase=three_phase,
                                   cycle_momentum=cycle_momentum, base_momentum=base_momentum,
                                   max_momentum=max_momentum)


ONE_CYCLE = (param("max_lr", FLOAT, check=positive), param("total_steps", INT, check=positive),
             param("pct_start", FLOAT, 0.3, check=lambda v: 0 < v < 1),
             param("anneal_strategy", Choice("cos", "linear"), "cos"),
             param("div_factor", FLOAT, 25.0, check=positive))
ONE_CYCLE_EXTRA = (param("three_phase", BOOL, False), param("cycle_momentum", BOOL, True),
                   param("base_momentum", FLOAT, 0.85), param("max_momentum", FLOAT, 0.95))
ONE_CYCLE_ERRORS = {"missing_positional": 'wrong # args: should be "{usage}"',
                    "usage": 'wrong # args: should be "{usage}"'}

scheduler("lr_scheduler_one_cycle", *ONE_CYCLE,
          param("final_div_factor", FLOAT, 1e4, check=positive), *ONE_CYCLE_EXTRA,
          optimizer=optimizer_param("Invalid optimizer handle"), errors=ONE_CYCLE_ERRORS,
          forms=["optimizer max_lr total_steps ?pct_start? ?anneal_strategy? ?div_factor?"],
          build=_one_cycle,
          doc="The one-cycle policy, torch.optim.lr_scheduler.OneCycleLR: up from maxLr/divFactor "
              "to maxLr over pctStart of the steps, then annealed (cos or linear) far below.")

scheduler("lr_scheduler_onecycle_advanced", *ONE_CYCLE,
          param("final_div_factor", FLOAT, 1e4, check=positive), *ONE_CYCLE_EXTRA,
          errors=ONE_CYCLE_ERRORS, lookups_last=True,     # the word count before the optimizer
          forms=["optimizer max_lr total_steps ?pct_start? ?anneal_strategy? ?div_factor? "
                 "?final_div_factor?"],
          build=_one_cycle,
          doc="OneCycleLR with every option, finalDivFactor included.")

PLATEAU = (param("mode", Choice("min", "max"), "min"),
           param("factor", FLOAT, 0.1, check=lambda v: 0 < v <= 1),
           param("patience", INT, 10, check=positive))
PLATEAU_EXTRA = (param("threshold", FLOAT, 1e-4, check=non_negative),
                 param("threshold_mode", Choice("rel", "abs"), "rel"),
                 param("min_lr", FLOAT, 0.0, check=non_negative),
                 param("cooldown", INT, 0, check=non_negative), param("eps", FLOAT, 1e-8))


def _plateau(opt, factor, **kw):
    # The pages allow factor 1 (never reduce); PyTorch's constructor rejects factor >= 1, but its
    # step only ever multiplies by the attribute, and a reduction by 1 changes nothing.
    plateau = lr_scheduler.ReduceLROnPlateau(opt, factor=factor if factor < 1 else 0.5, **kw)
    plateau.factor = factor
    return plateau


scheduler("lr_scheduler_plateau", *PLATEAU, *PLATEAU_EXTRA,
          forms=["optimizer ?mode? ?factor? ?patience?"], build=_plateau,
          doc="LR multiplied by factor when the metric (given to lr_scheduler_step_advanced) has "
              "not improved for patience steps, torch.optim.lr_scheduler.ReduceLROnPlateau. "
              "A factor of 1 (allowed, unlike in PyTorch's constructor) never reduces.")

scheduler("lr_scheduler_reduce_on_plateau", *PLATEAU, *PLATEAU_EXTRA,
          forms=["optimizer ?mode? ?factor? ?patience? ?threshold? ?threshold_mode? ?min_lr?"],
          build=_plateau,
          doc="ReduceLROnPlateau with every option: threshold, thresholdMode, minLr, cooldown.")

scheduler("lr_scheduler_polynomial", param("total_iters", INT, check=positive),
          param("power", FLOAT, 1.0, check=non_negative), ANY_LAST_EPOCH,
          build=lambda opt, total_iters, power, last_epoch: lr_scheduler.PolynomialLR(
              opt, total_iters, power, last_epoch),
          doc="LR x (1 - step/totalIters)^power, torch.optim.lr_scheduler.PolynomialLR.")


# --- stepping and reading ------------------------------------------------------------------------
def advance(ctx, scheduler, metric=None):
    """One scheduler step, recorded in telemetry (step = the scheduler's step count)."""
    scheduler.step(metric)
    ctx.telemetry.lrs(ctx.store.name_of(scheduler), scheduler.steps(), scheduler.lrs(),
                      kind="schedule")


def _new_step_lr(opt, step_size, gamma):
    return Scheduler("step", lr_scheduler.StepLR(opt, step_size, gamma), opt)


@schedulers.command("lr_scheduler_step",
                    param("scheduler", SCHEDULER, None),
                    optimizer_param(BAD_OPTIMIZER, default=None),
                    param("step_size", INT, None, check=positive,
                          check_msg=INVALID + " (stepSize must be positive)"),
                    param("gamma", FLOAT, 0.1, check=positive,
                          check_msg=INVALID + " (gamma must be positive)"),
                    forms=["scheduler", "optimizer step_size ?gamma?"],
                    returns="scheduler handle (step_scheduler<N>), or OK when advancing")
def lr_scheduler_step(ctx, scheduler, optimizer, step_size, gamma):
    """Two uses told apart by their words: `lr_scheduler_step $scheduler` advances that scheduler
    one step (returns OK); `lr_scheduler_step $optimizer stepSize ?gamma?` creates a StepLR that
    multiplies the LR by gamma every stepSize steps."""
    if scheduler is not None and optimizer is None:
        advance(ctx, scheduler)
        return "OK"
    if optimizer is None or step_size is None or scheduler is not None:
        raise CommandError(INVALID + " (a scheduler handle alone, or an optimizer and stepSize)",
                           "MISSING")
    return _new_step_lr(optimizer, step_size, gamma)


@schedulers.command("lr_scheduler_step_update",
                    param("scheduler", SCHEDULER, invalid="Invalid scheduler name"),
                    errors={"missing": "scheduler parameter is required"}, returns="OK")
def lr_scheduler_step_update(ctx, scheduler):
    """Advance the scheduler one step (the plateau schedulers need lr_scheduler_step_advanced)."""
    advance(ctx, scheduler)
    return "OK"


@schedulers.command("lr_scheduler_step_advanced",
                    param("scheduler", SCHEDULER, invalid="Invalid scheduler handle"),
                    param("metric", FLOAT, None),
                    errors={"missing": INVALID + " (scheduler handle required)"}, returns="OK")
def lr_scheduler_step_advanced(ctx, scheduler, metric):
    """Advance the scheduler one step; plateau schedulers judge the metric given here."""
    advance(ctx, scheduler, metric)
    return "OK"


VALID = {"unknown": UNKNOWN_LISTED,
         "no_value": "Missing value for parameter {option}"}


@schedulers.command("get_lr",
                    optimizer_param("Invalid optimizer name or could not get learning rate",
                                    aliases=()),
                    errors=VALID, returns="double",
                    reads=[Read(".param_groups[0]['lr']", float)])
def get_lr(optimizer):
    """The optimizer's current learning rate (its first parameter group's)."""
    return float(optimizer.param_groups[0]["lr"])


@schedulers.command("get_lr_advanced",
                    param("scheduler", SCHEDULER, invalid="Invalid scheduler handle"),
                    errors=VALID, returns="double",
                    reads=[Read(".optimizer.param_groups[0]['lr']", float)])
def get_lr_advanced(scheduler):
    """The learning rate the scheduler last set (its optimizer's first parameter group's)."""
    return float(scheduler.lrs()[0])


# --- dry runs (the LR explorer) -----------------------------------------------------------------
# Every schedule a scheduler command creates (stepping commands aside), derived from the registry.
EXPLORABLE = tuple(sorted(name[len("lr_scheduler_"):] for name in REGISTRY
                          if name.startswith("lr_scheduler_")
                          and name not in ("lr_scheduler_step_update",
                                           "lr_scheduler_step_advanced")))


def schedule_command(kind):
    if kind not in EXPLORABLE:
        raise CommandError(f'bad schedule "{kind}": must be one of {", ".join(EXPLORABLE)}')
    return REGISTRY["lr_scheduler_" + kind]


def schedule_curve(ctx, kind, words, steps, base_lr, metric=1.0):
    """The LR of each of `steps` training steps (step 0 first) under schedule `kind` built with
    the option words, on a throwaway optimizer: exactly what get_lr reports when the same
    scheduler, stepped once per training step, drives real training."""
    cmd = schedule_command(kind)
    weight = torch.zeros(1, requires_grad=True)
    # a name of its own, so the dry run uses up none of the script's optimizer numbers
    handle = ctx.store.put(torch.optim.SGD([weight], lr=base_lr), prefix="lr_explore_optimizer")
    try:
        values = cmd.parse(ctx, ["-optimizer", handle, *words], cmd.name)
        scheduler = cmd.call(ctx, values)
    finally:
        ctx.store.free(handle)
    curve = [scheduler.lrs()[0]]
    for _ in range(steps - 1):
        scheduler.step(metric)
        curve.append(scheduler.lrs()[0])
    return curve
