"""Drawing telemetry and LR curves with matplotlib (Agg, no display), and the headless views the
CLI attaches: they save PNG files and draw nothing live."""

import io

import numpy as np


def _mpl():
    """matplotlib, imported on first drawing: a kernel that never trains starts faster."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib import ticker
    return Figure, FigureCanvasAgg, ticker


POINTS = 1000    # points per curve, drawn and sent to the widget: a redraw then costs about the
                 # same after a million training steps as after a thousand


class Curves:
    """The records as curves, read in a few vectorised passes over the telemetry columns (a
    Python loop would take a second per million records, inside the training loop):

    - `points` {(kind, label): {"step": [...], "value": [...], "skipped": [...]}}, each curve
      thinned to about `limit` points: every k-th, the last, and the skipped steps (thinned alike
      when there are more). A label is the source (scaler1, optimizer2), with the key where a
      source has several curves, or a logged scalar's name.
    - `overflows` {(kind, label): skipped steps}, `last` {kind: (source, step, value)}.
    """

    def __init__(self, records, limit=POINTS):
        labels, label, step, value, skipped = records.columns()
        # copies: while a view of a column lives, the column cannot grow
        label, step, value = (np.array(col) for col in (label, step, value))
        skipped = np.frombuffer(skipped, np.uint8).astype(bool)
        self.points, self.overflows, self.last = {}, {}, {}
        ends = {}
        for i, (kind, source, key) in enumerate(labels):
            at = np.flatnonzero(label == i)
            if not len(at):
                continue
            bad = at[skipped[at]]
            pick = np.union1d(_thin(at, limit), _thin(bad, limit))
            name = key if kind == "scalar" else source if key in ("scale", "lr") else f"{source} {key}"
            self.points[(kind, name)] = {"step": step[pick].tolist(), "value": value[pick].tolist(),
                                         "skipped": skipped[pick].tolist()}
            self.overflows[(kind, name)] = len(bad)
            if at[-1] > ends.get(kind, -1):
                ends[kind] = at[-1]
                self.last[kind] = (source, int(step[at[-1]]), float(value[at[-1]]))

    def widget_state(self):
        """The points as the dashboard widget's `series` trait carries them."""
        return [{"kind": kind, "label": label, **points}
                for (kind, label), points in self.points.items()]


def _thin(at, limit):
    """Every k-th position and the last, about `limit` in all."""
    if limit is None or len(at) <= limit:
        return at
    return np.union1d(at[::-(-len(at) // limit)], at[-1:])


PANELS = [("scale", "loss scale (log2)"), ("lr", "learning rate"), ("scalar", "logged")]


def curves_figure(curves, width=7.0, dpi=80, title="learning-rate schedule"):
    Figure, FigureCanvasAgg, _ = _mpl()
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
    """The figure as PNG bytes: one rasterisation (savefig would draw twice) and zlib's fastest
    level, since a live dashboard redraws often and its picture is small anyway."""
    from PIL import Image
    fig.canvas.draw()
    buf = io.BytesIO()
    Image.frombuffer("RGBA", fig.canvas.get_width_height(), fig.canvas.buffer_rgba(),
                     "raw", "RGBA", 0, 1).save(buf, format="png", compress_level=1)
    return buf.getvalue()


class LivePlot:
    """The dashboard's figure, kept between redraws: new points only update the lines' data, so
    a redraw is a rasterisation, not a rebuild (which is ten times dearer)."""

    def __init__(self, width=6.5, dpi=72):
        self.width, self.dpi = width, dpi
        self.fig = None
        self.layout = None

    def render(self, curves):
        """The dashboard as PNG bytes (the live widget's picture)."""
        self.update(curves)
        return png(self.fig)

    def update(self, curves, count_overflows=False):
        """Bring the figure up to date with the curves; a saved picture also counts the
        overflows in its legend (a live one leaves the legend alone: rebuilding it is dear)."""
        groups = curves.points
        layout = (tuple(kind for kind, _ in PANELS if any(k == kind for k, _ in groups)),
                  tuple(sorted(groups)))
        if layout != self.layout:
            self._build(layout, groups)
        for key, s in groups.items():
            line, marks = self.lines[key]
            line.set_data(s["step"], s["value"])
            if marks is not None:
                bad = [(x, y) for x, y, f in zip(s["step"], s["value"], s["skipped"]) if f]
                marks.set_data([x for x, _ in bad], [y for _, y in bad])
                if count_overflows:
                    marks.set_label(f"{key[1]}: overflow, step skipped ({curves.overflows[key]})")
        for ax in self.axes.values():
            ax.relim()
            ax.autoscale_view()
        if count_overflows:
            self._legends()
        return self.fig

    def _build(self, layout, groups):
        Figure, FigureCanvasAgg, ticker = _mpl()
        kinds, _ = layout
        self.layout = layout
        self.fig = Figure(figsize=(self.width, 1.0 + 1.7 * max(len(kinds), 1)), dpi=self.dpi)
        FigureCanvasAgg(self.fig)
        self.axes, self.lines = {}, {}
        if not kinds:
            self.fig.text(0.5, 0.5, "no training steps recorded yet", ha="center", va="center")
            return
        axes = self.fig.subplots(len(kinds), 1, sharex=True, squeeze=False)[:, 0]
        titles = dict(PANELS)
        for ax, kind in zip(axes, kinds):
            self.axes[kind] = ax
            if kind == "scale":
                ax.set_yscale("log", base=2)
            ax.set_ylabel(titles[kind])
            ax.grid(True, alpha=0.3)
            ax.yaxis.set_major_locator(ticker.MaxNLocator(4) if kind != "scale" else
                                       ticker.LogLocator(base=2, numticks=5))
            ax.yaxis.set_minor_locator(ticker.NullLocator())   # tick text: most of a redraw
            ax.xaxis.set_major_locator(ticker.MaxNLocator(6, integer=True))
        for (kind, label) in sorted(groups):
            ax = self.axes[kind]
            line, = ax.plot([], [], label=label, linewidth=1.2)
            marks = None
            if kind == "scale":
                marks, = ax.plot([], [], "x", color="crimson", label=f"{label}: overflow, skipped")
            self.lines[(kind, label)] = (line, marks)
        self._legends()
        for ax in axes:
            ax.margins(y=0.08)
        axes[-1].set_xlabel("step")
        # fixed margins: tight_layout would cost more than all the later redraws together
        self.fig.subplots_adjust(left=0.13, right=0.98, top=0.97, bottom=0.1, hspace=0.12)


    def _legends(self):
        for kind, ax in self.axes.items():
            # the scale climbs to the upper right: its legend goes below, out of the way
            ax.legend(loc="lower right" if kind == "scale" else "upper right", fontsize="x-small")


class HeadlessDashboard:
    """The dashboard where nothing can be shown: `save` writes the curves as a PNG file."""

    def __init__(self, interp):
        self.interp = interp
        self.enabled = True
        self.draws, self.seconds = 0, 0.0   # drawn while training since the last reset

    def on(self):
        self.enabled = True

    def off(self):
        self.enabled = False

    def reset(self):
        self.draws, self.seconds = 0, 0.0

    def save(self, path):
        LivePlot(width=7.0, dpi=100).update(Curves(self.interp.telemetry.records),
                                            count_overflows=True).savefig(path)

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
