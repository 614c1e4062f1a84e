"""Drawing telemetry and LR curves with matplotlib (Agg, no display), and the headless views the
CLI attaches: they save PNG files and draw nothing live."""

import io

from ..shown import printable
from .series import NAMED, PANELS, Drawn


def _mpl():
    """matplotlib, imported on first drawing: a kernel that never trains starts faster."""
    from matplotlib import ticker
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    return Figure, FigureCanvasAgg, ticker


LABEL_CHARS_PER_INCH = 13   # legend text, small font: wider lines wrap (a Tcl lambda can be long)


ACTUAL_MARKERS = 300    # actual LRs up to this many are drawn as dots too; more would be a smear


def curves_figure(curves, width=7.0, dpi=80, title="learning-rate schedule", actual=None):
    """The LR curves, their legend under the axes: beside the curves it hid the warmup, and a
    long label (a lambda schedule's) is wrapped instead of running past the figure. `actual`
    (lr_explore -against) is drawn over them as steps, its skipped steps as red x marks."""
    import textwrap
    Figure, FigureCanvasAgg, _ = _mpl()
    chars = int(width * LABEL_CHARS_PER_INCH)
    # (printable: a lambda's text may hold a lone surrogate of Tcl's, which matplotlib refuses)
    labels = [textwrap.fill(printable(label), chars, subsequent_indent="    ")
              for label in curves]
    lines = sum(label.count("\n") + 1 for label in labels) + (0 if actual is None else 2)
    fig = Figure(figsize=(width, 3.0 + 0.2 * lines), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    for label, values in zip(labels, curves.values(), strict=True):
        ax.plot(range(len(values)), values, label=label, linewidth=1.3)
    if actual is not None:
        ax.plot(actual.steps, actual.values, drawstyle="steps-post", color="black", linewidth=0.9,
                marker="." if len(actual.steps) <= ACTUAL_MARKERS else None, markersize=4,
                alpha=0.85, zorder=3, label=actual.label)
        if actual.skipped:
            at = dict(zip(actual.steps, actual.values, strict=True))
            ax.plot(actual.skipped, [at[s] for s in actual.skipped], "x", color="crimson",
                    markersize=7, markeredgewidth=1.5, zorder=4,
                    label=f"{actual.label}: step skipped by the scaler ({len(actual.skipped)})")
    ax.set_xlabel("step")
    ax.set_ylabel("learning rate")
    ax.set_title(title)
    ax.grid(True, alpha=0.3)
    fig.legend(loc="outside lower left", fontsize="small", frameon=False)
    return fig


def png(fig):
    """The figure as PNG bytes: one rasterisation (savefig would draw twice) and zlib's fastest
    level (the explorer redraws on every slider move; pictures are small anyway)."""
    from PIL import Image
    fig.canvas.draw()
    buf = io.BytesIO()
    Image.frombuffer("RGBA", fig.canvas.get_width_height(), fig.canvas.buffer_rgba(),
                     "raw", "RGBA", 0, 1).save(buf, format="png", compress_level=1)
    return buf.getvalue()


PICTURE_POINTS = 2000   # per curve in a static picture (min/max thinned: no spike is lost)


def dashboard_figure(drawn, width=9.0, dpi=100):
    """The dashboard as a static matplotlib figure: a panel per kind of curve, a shared step axis,
    overflow marks on the scale, the scaler's skipped steps shaded in every panel, legends to the
    right of the curves, and the status line as the title."""
    Figure, FigureCanvasAgg, ticker = _mpl()
    curves = drawn.curves(PICTURE_POINTS)
    kinds = [kind for kind in PANELS if any(k == kind for k, _ in curves)]
    fig = Figure(figsize=(width, 1.0 + 1.9 * max(len(kinds), 1)), dpi=dpi)
    FigureCanvasAgg(fig)
    if not kinds:
        fig.text(0.5, 0.5, "no training steps recorded yet", ha="center", va="center")
        return fig
    axes = fig.subplots(len(kinds), 1, sharex=True, squeeze=False)[:, 0]
    skipped = sorted({int(s) for (kind, _), c in curves.items() if kind == "scale"
                      for s in c.step[c.skipped]})
    for ax, kind in zip(axes, kinds, strict=True):
        for s in skipped:
            ax.axvspan(s - 0.5, s + 0.5, color="crimson", alpha=0.13, linewidth=0)
        for (k, label), c in curves.items():
            if k != kind:
                continue
            # (a curve of one value has no line: a dot, or it would not show at all)
            ax.plot(c.step, c.value, label=label, linewidth=1.2,
                    marker="o" if len(c.step) == 1 else None, markersize=3)
            if kind == "scale" and c.skipped.any():
                ax.plot(c.step[c.skipped], c.value[c.skipped], "x", color="crimson",
                        label=f"{label}: overflow, step skipped ({int(c.skipped.sum())})")
        if kind == "scale":
            ax.set_yscale("log", base=2)
            ax.yaxis.set_major_locator(ticker.LogLocator(base=2, numticks=6))
        ax.set_ylabel(PANELS[kind], fontsize="small")
        ax.grid(True, alpha=0.3)
        ax.margins(y=0.08)
        handles, labels = ax.get_legend_handles_labels()
        if len(handles) > NAMED:        # (thousands of entries took seconds, and overflowed)
            handles[NAMED:] = ax.plot([], [], linestyle="none")    # (an entry with no mark)
            labels[NAMED:] = [f"{len(labels) - NAMED} more"]
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                  fontsize="x-small", frameon=False)
    axes[-1].set_xlabel("step")
    axes[-1].xaxis.set_major_locator(ticker.MaxNLocator(8, integer=True))
    fig.suptitle(drawn.status(), fontsize="small", family="monospace", x=0.01, ha="left")
    fig.subplots_adjust(left=0.08, right=0.74, top=1 - 0.45 / fig.get_figheight(),
                        bottom=0.55 / fig.get_figheight(), hspace=0.15)
    return fig


class HeadlessDashboard:
    """The dashboard where nothing can be shown: `save` writes the curves as a PNG file."""

    def __init__(self, interp):
        self.interp = interp
        self.enabled = True
        self.reset()

    def on(self):
        self.enabled = True

    def off(self):
        self.enabled = False

    def reset(self):
        """Forget what the live views cost so far (`torch::dashboard cost`)."""
        self.messages, self.seconds, self.pictures, self.picture_seconds = 0, 0.0, 0, 0.0

    def cost(self):
        return {"messages": self.messages, "seconds": self.seconds, "pictures": self.pictures,
                "picture_seconds": self.picture_seconds}

    def save(self, path):
        dashboard_figure(Drawn(self.interp.telemetry.records)).savefig(path)

    def cell_finished(self):
        pass


class HeadlessExplorer:
    """The LR explorer where nothing can be shown: curves are only saved."""

    def save(self, path, curves, actual=None):
        curves_figure(curves, dpi=100, actual=actual).savefig(path)

    def show(self, ctx, schedules, curves, steps, lr, metric, actual=None):
        """A notebook's explorer shows the curves [(kind, option words), ...] (the first is the
        one its sliders move) with sliders, and what an optimizer really did (`actual`, from
        lr_explore -against) over them; here there is nothing to show them on."""
