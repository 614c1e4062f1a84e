"""What the LR explorer says about a schedule: the limits of its options (slider ranges and error
texts), errors that name the option at fault, and the schedule as a Tcl command and as PyTorch code.

Nothing here draws or imports Jupyter: `torch::lr_explore` (commands/telemetry.py) and the
explorer widget both use it. It reads the schedules' own declarations (the lr_scheduler_* commands
in the registry), so a schedule's limits are stated once, where the schedule is declared.
"""

from ..core.errors import CommandError, tcl_wording
from ..core.types import Bool, Choice, Float, Int, IntList, Number
from .schedulers import INVALID, schedule_command, schedule_curve

_BOUNDS = (-1, 0, 1)       # where the schedules' checks put their limits
_EPS = 1e-9


def _ok(p, v):
    try:
        return bool(p.check(v))
    except (TypeError, ValueError, ArithmeticError):
        return False


def interval(p):
    """(low, low_closed, high, high_closed) of a numeric option, read off its check (None: no
    bound on that side), or None for an option that is not a number."""
    if not isinstance(p.type, (Int, Float, Number)):
        return None
    if p.check is None:
        return (None, False, None, False)
    integer = isinstance(p.type, Int)
    low = high = None
    low_closed = high_closed = True
    if not _ok(p, -1e9):
        for b in _BOUNDS:
            if integer:
                if _ok(p, b) and not _ok(p, b - 1):
                    low = b
                    break
            elif _ok(p, b) and not _ok(p, b - _EPS):
                low = b
                break
            elif not _ok(p, b) and _ok(p, b + _EPS):
                low, low_closed = b, False
                break
    if not _ok(p, 1e9):
        for b in reversed(_BOUNDS):
            if integer:
                if _ok(p, b) and not _ok(p, b + 1):
                    high = b
                    break
            elif _ok(p, b) and not _ok(p, b + _EPS):
                high = b
                break
            elif not _ok(p, b) and _ok(p, b - _EPS):
                high, high_closed = b, False
                break
    return (low, low_closed, high, high_closed)


def need(p):
    """What an option takes, in words: "a positive integer", "a number between 0 and 1
    (exclusive)", "one of cos, linear"."""
    if isinstance(p.type, Choice):
        return "one of " + ", ".join(p.type.choices)
    if isinstance(p.type, Bool):
        return "a boolean"
    if isinstance(p.type, IntList):
        return "a list of integers"
    bounds = interval(p)
    if bounds is None:
        return "a " + p.type.name
    low, low_closed, high, high_closed = bounds
    noun = "integer" if isinstance(p.type, Int) else "number"
    if high is None:
        if low == 0 and not low_closed or low == 1 and low_closed and noun == "integer":
            return f"a positive {noun}"
        if low == 0:
            return f"a non-negative {noun}"
        if low is None:
            return f"a{'n' if noun == 'integer' else ''} {noun}"
        return f"a{'n' if noun == 'integer' else ''} {noun} {'>=' if low_closed else '>'} {low}"
    if low is None:
        return f"a {noun} {'<=' if high_closed else '<'} {high}"
    if low_closed == high_closed:
        return f"a {noun} between {low} and {high} ({'inclusive' if low_closed else 'exclusive'})"
    return (f"a {noun} {'>=' if low_closed else '>'} {low} "
            f"and {'<=' if high_closed else '<'} {high}")


def _pairs(cmd, words):
    """The -option value pairs of a schedule's words: (word as typed, its parameter or None,
    value word), paired as the parser pairs them after `-optimizer handle`. Positional words (a
    -compare spec may have them) and a last option without a value are left to the parser,
    which rejects them: hence strict=False."""
    return [(key, cmd.options.get(key), value)
            for key, value in zip(words[::2], words[1::2], strict=False)]


def explain(ctx, kind, words, error, steps=None):
    """The error a dry run of `kind` raised, reworded for lr_explore: the option at fault and
    what it takes, or the schedule's own complaint without the scheduler commands' generic
    "Required parameters missing or invalid"."""
    code = getattr(error, "code", "INVALID")
    head = f"lr_explore {kind}: "
    try:
        cmd = schedule_command(kind)
    except CommandError as e:
        return CommandError(head + e.message, e.code)
    given = set()
    for key, p, value in _pairs(cmd, words):
        if p is None or p.name == "optimizer":
            continue
        given.add(p.name)
        try:
            cmd._convert(ctx, p, value, key)
        except CommandError:
            return CommandError(f"{head}{key} must be {need(p)}, got {value}", "INVALID")
    if code == "MISSING":
        for p in cmd.params:
            if p.required and p.name != "optimizer" and p.name not in given:
                return CommandError(f"{head}{p.option} is required ({need(p)})", "MISSING")
    message = error.message if isinstance(error, CommandError) else tcl_wording(error)[0]
    total = _TOTAL_STEPS.get(kind)
    if total and message.startswith("Tried to step"):
        limit = parsed(ctx, kind, words)[total]
        return CommandError(f"{head}-steps {steps} is more than "
                            f"{cmd.by_name[total].option} {limit} "
                            f"allows (at most {limit + 1} steps)", "INVALID")
    if message.startswith(INVALID + " ("):
        message = message[len(INVALID) + 2:].removesuffix(")")
    return CommandError(head + message, code)


# Schedules that cannot run past a number of steps (OneCycleLR raises), by that option.
_TOTAL_STEPS = {"one_cycle": "total_steps", "onecycle_advanced": "total_steps"}


def step_limit(ctx, kind, words):
    """The most steps a dry run of this schedule can take, or None when it has no end."""
    total = _TOTAL_STEPS.get(kind)
    if total is None:
        return None
    return parsed(ctx, kind, words)[total] + 1


def with_base_lr(kind, words, lr):
    """A schedule that takes a base LR of its own (cyclic) gets the explorer's -lr (lr_explore
    reads -baseLr as its -lr), unless the words give it."""
    cmd = schedule_command(kind)
    p = cmd.by_name.get("base_lr")
    if p is None or any(cmd.options.get(key) is p for key in words[::2]):
        return list(words)
    return [*words, p.option, repr(float(lr))]


def explore_curve(ctx, kind, words, steps, lr, metric=1.0):
    """schedule_curve, with lr_explore's errors (see explain)."""
    words = with_base_lr(kind, words, lr)
    try:
        return schedule_curve(ctx, kind, words, steps, lr, metric)
    except (CommandError, ValueError) as e:
        raise explain(ctx, kind, words, e, steps) from None


def parsed(ctx, kind, words):
    """The schedule's options as its command reads them (defaults filled in)."""
    import torch
    cmd = schedule_command(kind)
    handle = ctx.store.put(torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1),
                           prefix="lr_explore_optimizer")
    try:
        values = cmd.parse(ctx, ["-optimizer", handle, *words], cmd.name)
    finally:
        ctx.store.free(handle)
    values.pop("optimizer")
    return values


# --- the schedule as code ------------------------------------------------------------------------
def tcl_quote(ctx, words):
    """Words as Tcl reads them back (a Tcl list's string: braces where needed)."""
    return ctx.tk.call("string", "range", tuple(words), 0, "end")


def tcl_command(ctx, schedules, steps, lr, metric=1.0):
    """The torch::lr_explore command for these schedules [(kind, words), ...]: the first is the
    main curve, the others its -compare list."""
    (kind, words), *others = schedules
    parts = ["torch::lr_explore", kind, tcl_quote(ctx, words) if words else None,
             "-steps", str(steps), "-lr", repr(float(lr)),
             *(["-metric", repr(float(metric))] if metric != 1.0 else [])]
    if others:
        specs = [tcl_quote(ctx, [k, *w]) for k, w in others]
        parts += ["-compare", tcl_quote(ctx, [tcl_quote(ctx, specs)])]
    return " ".join(p for p in parts if p)


def python_code(ctx, kind, words, steps, lr, metric=1.0):
    """PyTorch code that makes the same curve as `lr_explore kind words -steps -lr`: the LR each of
    `steps` training steps uses, in `lrs`."""
    words = with_base_lr(kind, words, lr)
    v = parsed(ctx, kind, words)
    cls, args, setup = _torch_schedule(kind, v, words)
    base_lr = 1.0 if kind == "noam" else lr     # noam sets the LR itself, whatever the base
    lines = ["import math" if "math." in "".join([*args, *setup]) else None,
             "import torch", "from torch.optim import lr_scheduler", "",
             "param = torch.zeros(1, requires_grad=True)   # your model's parameters",
             f"optimizer = torch.optim.SGD([param], lr={float(base_lr)!r})"]
    if v.get("last_epoch", -1) != -1:
        lines += ["for group in optimizer.param_groups:   # resuming: PyTorch needs initial_lr",
                  "    group.setdefault(\"initial_lr\", group[\"lr\"])"]
    call = f"scheduler = lr_scheduler.{cls}(optimizer, {', '.join(args)})"
    if len(call) > 88:     # one argument a line: easier to read and to edit
        call = f"scheduler = lr_scheduler.{cls}(\n    optimizer,\n" + \
            "".join(f"    {a},\n" for a in args) + ")"
    lines += [*setup, call, "", "lrs = []",
              f"for step in range({steps}):",
              "    lrs.append(optimizer.param_groups[0][\"lr\"])",
              "    optimizer.step()   # your training step: forward, backward, step"]
    if kind in ("plateau", "reduce_on_plateau"):
        lines.append(f"    scheduler.step({float(metric)!r})   # your validation metric")
    else:
        lines.append("    scheduler.step()")
    return "\n".join(line for line in lines if line is not None) + "\n"


def _kw(v, *names, rename=None):
    rename = rename or {}
    return [f"{rename.get(n, n)}={v[n]!r}" for n in names]


def _torch_schedule(kind, v, words):
    """(class name in torch.optim.lr_scheduler, its arguments after the optimizer, setup lines)."""
    if kind in ("cosine", "cosine_annealing"):
        return "CosineAnnealingLR", _kw(v, "t_max", "eta_min", rename={"t_max": "T_max"}), []
    if kind == "cosine_annealing_warm_restarts":
        return "CosineAnnealingWarmRestarts", _kw(v, "t_0", "t_mult", "eta_min",
                                                   rename={"t_0": "T_0", "t_mult": "T_mult"}), []
    if kind == "cyclic":
        return "CyclicLR", _kw(v, "base_lr", "max_lr", "step_size", "step_size_down", "mode",
                               "gamma", "cycle_momentum", "base_momentum", "max_momentum",
                               rename={"step_size": "step_size_up"}), []
    if kind in ("exponential", "exponential_decay"):
        return "ExponentialLR", _kw(v, "gamma"), []
    if kind == "step":
        return "StepLR", _kw(v, "step_size", "gamma"), []
    if kind == "multi_step":
        return "MultiStepLR", [f"milestones={sorted(v['milestones'])!r}",
                               f"gamma={v['gamma']!r}"], []
    if kind in ("one_cycle", "onecycle_advanced"):
        return "OneCycleLR", _kw(v, "max_lr", "total_steps", "pct_start", "anneal_strategy",
                                 "div_factor", "final_div_factor", "three_phase",
                                 "cycle_momentum", "base_momentum", "max_momentum"), []
    if kind in ("plateau", "reduce_on_plateau"):
        return "ReduceLROnPlateau", _kw(v, "mode", "factor", "patience", "threshold",
                                        "threshold_mode", "min_lr", "cooldown", "eps"), []
    if kind == "polynomial":
        return "PolynomialLR", _kw(v, "total_iters", "power", "last_epoch"), []
    if kind == "constant_with_warmup":
        w = v["num_warmup_steps"]
        return "LambdaLR", [f"lambda t: t / {w} if t < {w} else 1.0",
                            f"last_epoch={v['last_epoch']}"], []
    if kind == "linear_with_warmup":
        w, n = v["num_warmup_steps"], v["num_training_steps"]
        factor = (f"lambda t: t / max(1, {w}) if t < {w} "
                  f"else max(0.0, ({n} - t) / max(1, {n} - {w}))")
        return "LambdaLR", [factor, f"last_epoch={v['last_epoch']}"], []
    if kind == "inverse_sqrt":
        w, d = v["warmup_steps"], v["decay_factor"]
        factor = f"lambda t: (t / {w}) * {d!r} if t < {w} else {d!r} * math.sqrt({w} / t)"
        return "LambdaLR", [factor], []
    if kind == "noam":
        m, w = v["model_size"], v["warmup_steps"]
        rate = f"lambda t: 0.0 if t == 0 else {m} ** -0.5 * min(t ** -0.5, t * {w} ** -1.5)"
        return "LambdaLR", [rate], []
    if kind in ("lambda", "multiplicative"):
        name = "multiplier" if kind == "lambda" else "lr_lambda"
        cls = "LambdaLR" if kind == "lambda" else "MultiplicativeLR"
        value = v[name]
        if not callable(value):
            f = f"lambda epoch: {value!r} ** epoch" if kind == "lambda" \
                else f"lambda epoch: {value!r}"
            return cls, [f], []
        script = next(w for k, p, w in _pairs(schedule_command(kind), words)
                      if p is not None and p.name == name)
        return cls, ["tcl_lambda"], [
            "import tkinter",
            "tcl = tkinter.Tcl()   # the Tcl lambda, run by Tcl (or rewrite it in Python)",
            f"tcl_lambda = lambda epoch: float(tcl.call(\"apply\", {script!r}, epoch))"]
    raise CommandError(f"lr_explore {kind}: no PyTorch code for this schedule")
