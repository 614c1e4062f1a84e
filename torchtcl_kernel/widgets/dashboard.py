"""The live AMP/LR dashboard: appears in the output of the first cell that trains and redraws
while the loop runs, throttled so that drawing costs a few percent of the loop at most."""

import functools
import threading
import time

from IPython.display import display

from .plot import Curves, HeadlessDashboard, LivePlot

FIRST_DRAW = 2.0         # seconds of training before the first drawing (a shorter loop only
                         # gets the final one, after the cell: drawing would cost it too much)
MIN_INTERVAL = 0.5       # seconds between redraws, at the least
MAX_SHARE = 0.02         # drawing may take this share of the loop's time


@functools.cache
def widget_classes():
    """ipywidgets, imported when a dashboard first shows (kernel start stays lean)."""
    import ipywidgets as widgets
    from traitlets import List

    class DashboardBox(widgets.VBox):
        """The dashboard's widget; its `series` trait carries the plotted points to the frontend."""

        series = List().tag(sync=True)
    return widgets, DashboardBox


class LiveDashboard(HeadlessDashboard):
    def __init__(self, interp):
        super().__init__(interp)
        interp.telemetry.subscribe(self._on_record)
        self.box = None
        self._shown = False
        self._dirty = False
        self._last = 0.0
        self._interval = MIN_INTERVAL
        self._lock = threading.Lock()

    def _on_record(self, record):
        if not self.enabled:
            return
        if not self._shown:
            if record.kind == "scalar":
                return                  # a dashboard starts with training, not with a log line
            self._show()
        self._dirty = True
        if time.perf_counter() - self._last >= self._interval:
            self._draw()

    def _show(self):
        widgets, DashboardBox = widget_classes()
        self.image = widgets.Image(format="png")
        self.status = widgets.HTML("<code>training: the dashboard draws after a few seconds, "
                                   "or when the cell ends</code>")
        self.box = DashboardBox([self.image, self.status])
        self.plot = LivePlot()
        display(self.box)
        self._shown = True
        self._last = time.perf_counter()
        self._interval = FIRST_DRAW

    def _draw(self):
        start = time.perf_counter()
        self._render(self.interp.telemetry.records, self._widgets())
        took = time.perf_counter() - start
        self.draws += 1
        self.seconds += took
        self._interval = max(MIN_INTERVAL, took / MAX_SHARE)
        self._last = time.perf_counter()
        self._dirty = False

    def _widgets(self):
        return self.image, self.box, self.status, self.plot

    def _render(self, records, widgets):
        image, box, status, plot = widgets   # this cell's, even if the next cell has begun
        with self._lock:
            curves = Curves(records)
            image.value = plot.render(curves)
            box.series = curves.widget_state()
            status.value = _status(curves)

    def cell_finished(self):
        """The cell ended: a last redraw, off the cell's time (a background thread; widget
        updates are thread-safe in ipykernel); the next cell that trains gets its own dashboard."""
        if self._shown and self._dirty:
            records = self.interp.telemetry.records.snapshot()
            self._dirty = False
            threading.Thread(target=self._render, args=(records, self._widgets()),
                             daemon=True).start()
        self._shown = False

    def reset(self):
        super().reset()
        if self._shown:
            self._dirty = True


def _status(curves):
    parts = []
    if "scale" in curves.last:
        _, step, value = curves.last["scale"]
        skipped = sum(n for (kind, _), n in curves.overflows.items() if kind == "scale")
        parts.append(f"scale {value:g} after {step} updates, {skipped} skipped")
    if "lr" in curves.last:
        source, step, value = curves.last["lr"]
        parts.append(f"lr {value:.4g} ({source}, step {step})")
    return "<code>" + " &middot; ".join(parts) + "</code>"
