"""Drawing telemetry and LR curves with matplotlib (Agg, no display), and the headless views the
CLI attaches: they save PNG files and draw nothing live."""

import io
from collections import defaultdict

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure


def series(records):
    """Records grouped for drawing: {(kind, label): {"step": [...], "value": [...], "skipped": [...]}}.
    A label is the source (scaler1, optimizer2) with the key where there are several."""
    out = defaultdict(lambda: {"step": [], "value": [], "skipped": []})
    for r in records:
        if r.kind == "scalar":
            label = r.key
        else:
            label = r.source if r.key in ("scale", "lr") else f"{r.source} {r.key}"
        s = out[(r.kind, label)]
        s["step"].append(r.step)
        s["value"].append(r.value)
        s["skipped"].append(r.skipped)
    return dict(out)


PANELS = [("scale", "loss scale (log2)"), ("lr", "learning rate"), ("scalar", "logged")]


def dashboard_figure(records, width=7.0, dpi=80):
    groups = series(records)
    panels = [(kind, title) for kind, title in PANELS if any(k == kind for k, _ in groups)]
    fig = Figure(figsize=(width, 1.2 + 2.0 * max(len(panels), 1)), dpi=dpi)
    FigureCanvasAgg(fig)
    if not panels:
        fig.text(0.5, 0.5, "no training steps recorded yet", ha="center", va="center")
        return fig
    axes = fig.subplots(len(panels), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (kind, title) in zip(axes, panels):
        for (k, label), s in groups.items():
            if k != kind:
                continue
            ax.plot(s["step"], s["value"], label=label, linewidth=1.2)
            if kind == "scale":
                bad = [(x, y) for x, y, f in zip(s["step"], s["value"], s["skipped"]) if f]
                if bad:
                    xs, ys = zip(*bad)
                    ax.scatter(xs, ys, marker="x", color="crimson", zorder=3,
                               label=f"{label}: overflow, step skipped ({len(bad)})")
        if kind == "scale":
            ax.set_yscale("log", base=2)
        ax.set_ylabel(title)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="best", fontsize="small")
    axes[-1].set_xlabel("step")
    fig.tight_layout()
    return fig


def curves_figure(curves, width=7.0, dpi=80, title="learning-rate schedule"):
    fig = Figure(figsize=(width, 3.2), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    for label, values in curves.items():
        ax.plot(range(len(values)), values, label=label, linewidth=1.3)
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="best", fontsize="small")
    fig.tight_layout()
    return fig


def png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


class HeadlessDashboard:
    """The dashboard where nothing can be shown: `save` writes the curves as a PNG file."""

    def __init__(self, interp):
        self.interp = interp
        self.enabled = True

    def on(self):
        self.enabled = True

    def off(self):
        self.enabled = False

    def reset(self):
        pass

    def save(self, path):
        dashboard_figure(self.interp.telemetry.records, dpi=100).savefig(path)

    def cell_finished(self):
        pass


class HeadlessExplorer:
    """The LR explorer where nothing can be shown: curves are only saved."""

    def save(self, path, curves):
        curves_figure(curves, dpi=100).savefig(path)

    def show(self, kind, options, curves, recompute):
        pass


def attach_headless(interp):
    """Give an interpreter the views a non-notebook frontend has (used by the CLI)."""
    interp.dashboard = HeadlessDashboard(interp)
    interp.explorer = HeadlessExplorer()
    return interp
