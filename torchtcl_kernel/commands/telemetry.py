"""Training telemetry from Tcl: logging scalars, exporting records, the dashboard, the LR explorer.

Drawing is done by views a frontend attaches to the interpreter (ctx.dashboard, ctx.explorer): the
kernel and the magics attach live widgets, the CLI headless ones that write PNG files.
"""

import csv

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.types import FLOAT, INT, NUMBER, STRING, Choice, tcl_list
from .common import positive
from .schedule_code import explore_curve, tcl_quote
from .schedulers import EXPLORABLE

telemetry = Family("telemetry")


@telemetry.command("log_scalar", param("name", STRING), param("value", NUMBER),
                   param("step", INT, None),
                   returns="the step recorded")
def log_scalar(ctx, name, value, step):
    """Record a scalar of your own (a loss, an accuracy) for the dashboard and the export. Without
    a step, the next one for that name is used."""
    step = ctx.telemetry.next_step("scalar:" + name) if step is None else step
    ctx.telemetry.record("scalar", "user", step, name, value)
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
                   param("lr", FLOAT, 0.1, aliases=("base_lr",), check=positive),
                   param("compare", STRING, None), param("metric", FLOAT, 1.0),
                   param("save", STRING, None),
                   open_options=True, returns="list of learning rates, one per step",
                   forms=["kind"])
def lr_explore(ctx, kind, steps, lr, compare, metric, save, options):
    """Dry-run a schedule on a throwaway optimizer (learning rate -lr) for -steps steps and show
    its curve; the other options are the schedule's own (those of torch::lr_scheduler_KIND).
    -compare {{KIND ?options?} ...} overlays more schedules; -save FILE.csv|FILE.png writes the
    curves; plateau schedules see a constant -metric. Returns the curve: the LR at each step."""
    schedules = [(kind, list(options))]         # the first is the one the explorer's sliders move
    for spec in tcl_list(ctx, compare or ""):
        kind_, *words = tcl_list(ctx, spec) or [""]     # {} names no schedule: an error
        schedules.append((kind_, words))
    # Errors name the schedule and the option at fault (explore_curve); the lr_scheduler_*
    # commands keep the reference's texts.
    curves = {tcl_quote(ctx, [kind_, *words]): explore_curve(ctx, kind_, words, steps, lr, metric)
              for kind_, words in schedules}
    main = curves[tcl_quote(ctx, [kind, *options])]
    if save and save.lower().endswith(".csv"):
        write_csv(save, curves)
    elif save:
        view(ctx, "explorer", "LR explorer view").save(save, curves)
    if ctx.explorer is not None:
        ctx.explorer.show(ctx, schedules, curves, steps, lr, metric)
    return main


def write_csv(path, curves):
    labels = list(curves)
    try:
        with open(path, "w", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["step", *labels])
            for step, row in enumerate(zip(*curves.values(), strict=True)):
                writer.writerow([step, *(repr(v) for v in row)])
    except OSError as e:
        raise CommandError(f"couldn't write {path}: {e.strerror}") from None
