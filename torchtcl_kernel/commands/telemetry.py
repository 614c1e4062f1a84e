"""Training telemetry from Tcl: logging scalars, exporting records, the dashboard, the LR explorer.

Drawing is done by views a frontend attaches to the interpreter (ctx.dashboard, ctx.explorer): the
kernel and the magics attach live widgets, the CLI headless ones that write PNG files.
"""

import csv
from typing import NamedTuple

import torch

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.types import (
    FLOAT,
    INT,
    OPTIMIZER,
    STRING,
    TENSOR_OR_NUMBER,
    Choice,
    ListOfLists,
)
from .common import positive, read_later
from .schedule_code import explore_curve, tcl_quote
from .schedulers import EXPLORABLE

telemetry = Family("telemetry")


@telemetry.command("log_scalar", param("name", STRING),
                   param("value", TENSOR_OR_NUMBER, invalid="log_scalar: the value must be a "
                         "number or a tensor handle, got {value}"),
                   param("step", INT, None),
                   returns="the step recorded")
def log_scalar(ctx, name, value, step):
    """Record a scalar of your own (a loss, an accuracy) for the dashboard and the export: a
    number, or a one-element tensor (its exact value, not tensor_item's six decimals). Without a
    step, the next one for that name is used."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1 or value.is_complex():
            what = "a complex tensor" if value.numel() == 1 else \
                f"a tensor of {value.numel()} elements"
            raise CommandError(f"log_scalar {name}: the value must be a number or a one-element "
                               f"real tensor, got {what}")
    step = ctx.telemetry.next_step("scalar:" + name) if step is None else step
    if isinstance(value, torch.Tensor) and value.device.type != "cpu":
        read = read_later([value])          # a loss on CUDA: the loop does not wait for it
        ctx.telemetry.record_later("scalar", "user", step, name, lambda: (read()[0], False))
    else:
        ctx.telemetry.record("scalar", "user", step, name,
                             value.item() if isinstance(value, torch.Tensor) else value)
    return step


@telemetry.command("telemetry_export", param("file", STRING), returns="number of records written")
def telemetry_export(ctx, file):
    """Write every record so far to FILE: .json, or CSV otherwise (kind, source, step, key,
    value, skipped)."""
    try:
        return ctx.telemetry.export(file)
    except OSError as e:
        raise CommandError(f"couldn't write {file}: {e.strerror}") from None


def view(ctx, attr, what):
    view = getattr(ctx, attr)
    if view is None:
        raise CommandError(f"no {what} is attached to this interpreter (the kernel, the magics "
                           "and the torchtcl CLI attach one)")
    return view


@telemetry.command("dashboard", param("action", Choice("on", "off", "reset", "save", "cost")),
                   param("file", STRING, None),
                   returns="a confirmation, the saved file, or a dict (cost)")
def dashboard(ctx, action, file):
    """Control the live AMP/LR dashboard: `on`/`off` (drawing only; records are always kept),
    `reset` (forget the records; the next training step starts a new dashboard),
    `save FILE.png` (the curves so far, as a picture), or `cost`: what the live dashboard cost
    the kernel since the last reset: messages sent to the page and the CPU seconds spent making
    them (seconds), static pictures drawn when cells ended and their seconds (picture_seconds)."""
    if action == "cost":
        return ctx.dashboard.cost()
    if action == "reset":
        ctx.telemetry.clear()
    if action == "save":
        if not file:
            raise CommandError("Usage: torch::dashboard save FILE.png")
        view(ctx, "dashboard", "dashboard view").save(file)
        return file
    if ctx.dashboard is not None:
        getattr(ctx.dashboard, action)()
    return f"dashboard {action}"


@telemetry.command("lr_explore", param("kind", Choice(*EXPLORABLE)),
                   param("steps", INT, 1000, check=positive),
                   param("lr", FLOAT, None, aliases=("base_lr",), check=positive),
                   param("compare", ListOfLists(), None), param("metric", FLOAT, 1.0),
                   param("against", OPTIMIZER, None,
                         invalid="lr_explore: -against {value} is not an optimizer handle"),
                   param("save", STRING, None),
                   open_options=True, returns="list of learning rates, one per step",
                   forms=["kind"])
def lr_explore(ctx, kind, steps, lr, compare, metric, against, save, options):
    """Dry-run a schedule on a throwaway optimizer (learning rate -lr, 0.1 unless given) for
    -steps steps and show its curve; the other options are the schedule's own (those of
    torch::lr_scheduler_KIND). -compare {{KIND ?options?} ...} overlays more schedules;
    -against OPTIMIZER overlays the learning rate that optimizer really used at each of its steps
    so far (from telemetry), the steps a gradient scaler skipped marked, and makes its base LR
    the default -lr; -save FILE.csv|FILE.png writes the curves (CSV: the actual LR in a column of
    its own, empty where there is no record); plateau schedules see a constant -metric. Returns
    the curve: the LR at each step."""
    actual = followed(ctx, against) if against is not None else None
    if lr is None:
        # the LR a scheduler started from (PyTorch keeps it as initial_lr), else the first used
        lr = 0.1 if actual is None else \
            float(against.param_groups[0].get("initial_lr", actual.values[0]))
    schedules = [(kind, list(options))]         # the first is the one the explorer's sliders move
    for spec in compare or []:
        kind_, *words = spec or [""]     # {} names no schedule: an error
        schedules.append((kind_, words))
    # Errors name the schedule and the option at fault (explore_curve); the lr_scheduler_*
    # commands keep the reference's texts.
    curves = {tcl_quote(ctx, [kind_, *words]): explore_curve(ctx, kind_, words, steps, lr, metric)
              for kind_, words in schedules}
    main = curves[tcl_quote(ctx, [kind, *options])]
    if save and save.lower().endswith(".csv"):
        write_csv(save, curves, actual)
    elif save:
        view(ctx, "explorer", "LR explorer view").save(save, curves, actual)
    if ctx.explorer is not None:
        ctx.explorer.show(ctx, schedules, curves, steps, lr, metric, actual)
    return main


class Actual(NamedTuple):
    """The LR an optimizer really used, for lr_explore -against. Its n-th step is placed at the
    plan's step n - 1, which holds the LR a schedule sets for the first step and each one after
    (lr_explore's curve starts with the LR before any scheduler step)."""
    source: str             # the optimizer's handle
    steps: list[int]        # plan steps that have a record
    values: list[float]     # the LR used there (the first parameter group's)
    skipped: list[int]      # plan steps whose update a gradient scaler skipped (inf/NaN)

    @property
    def label(self):
        return f"actual: {self.source}"


def followed(ctx, optimizer):
    """The optimizer's LR records and its skipped steps. A scaler's update that found inf/NaN
    skipped the optimizer's last step since that scaler's previous update (the records are in
    the order they were made); an optimizer a scaler did not step in that iteration is not
    marked."""
    source = ctx.store.name_of(optimizer)
    done, labels, label, step, value, skipped = ctx.telemetry.records.columns()
    lr_label = next((i for i, lab in enumerate(labels) if lab == ("lr", source, "lr")), None)
    if lr_label is None:
        raise CommandError(f"lr_explore: {source} has no recorded learning rates yet (train a "
                           "step first)")
    scalers = {i for i, (kind, _, _) in enumerate(labels) if kind == "scale"}
    steps, values, marked = [], [], []
    last_step_at, last_update_at = -1, {}   # record positions: our last step, each scaler's
    for at, (lab, n, v, skip) in enumerate(zip(label[:done], step[:done], value[:done],
                                                   skipped[:done], strict=True)):
        if lab == lr_label:
            steps.append(n - 1)
            values.append(v)
            last_step_at = at
        elif lab in scalers:
            if skip and last_step_at > last_update_at.get(lab, -1):
                marked.append(steps[-1])
            last_update_at[lab] = at
    return Actual(source, steps, values, sorted(set(marked)))


def write_csv(path, curves, actual=None):
    """The curves by step; with -against, a column of the LR the optimizer used (empty where it
    has no record)."""
    columns, labels = list(curves.values()), list(curves)
    if actual is not None:
        column = [None] * (max(actual.steps) + 1)
        for step, lr in zip(actual.steps, actual.values, strict=True):
            column[step] = lr
        columns.append(column)
        labels.append(actual.label)
    rows = max(len(c) for c in columns)
    try:
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["step", *labels])
            for step in range(rows):
                writer.writerow([step, *("" if step >= len(c) or c[step] is None else repr(c[step])
                                         for c in columns)])
    except OSError as e:
        raise CommandError(f"couldn't write {path}: {e.strerror}") from None
