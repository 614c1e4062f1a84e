"""The live AMP/LR dashboard in a notebook: drawn in the browser (uPlot, through anywidget) from
data the kernel sends.

The first training record of a cell shows a dashboard in that cell's output. While the cell runs,
new points go to the page at most every FLUSH seconds: sent by the training thread itself, between
two records, while steps come fast; by a sender thread when none came for COVER seconds, so a
step's points arrive within ~0.22 s however slow the next step is. When the cell ends, the widget
gets its final state (what a saved notebook keeps) and its output a static picture beside the
widget view, drawn once with matplotlib, for frontends without widgets. The next cell that trains
gets a dashboard of its own.
"""

import functools
import threading
import time
import uuid
from importlib import resources

from IPython.display import display

from .plot import HeadlessDashboard, dashboard_figure, png
from .series import NAMED, Drawn, Stream

# Each message costs the kernel ~1 ms of CPU, about half of it in ipykernel's IOPub path (its
# thread wakes, takes the GIL, sends): at ten a second that alone is 1 % of a busy loop, so
# five, which still brings each step to the page within a quarter of a second.
FLUSH = 0.2     # seconds between two messages to the page, at the least
COVER = 0.22    # the sender thread sends what no record sent within COVER seconds


@functools.cache
def widget_class():
    """The widget class, made on first use (anywidget and ipywidgets stay out of kernel start)."""
    import anywidget
    import traitlets

    static = resources.files(__package__) / "static"
    # uPlot's own IIFE build defines `uPlot` in the module's scope; our module follows it
    esm = "\n".join((static / name).read_text() for name in ("uPlot.iife.min.js", "dashboard.js"))
    css = "\n".join((static / name).read_text() for name in ("uPlot.min.css", "dashboard.css"))

    class DashboardWidget(anywidget.AnyWidget):
        """Loss scale, learning rates and logged scalars, drawn by the page from `snapshot`
        (every curve, set when the cell ends) and `delta` messages (new points while it runs)."""

        _esm = esm
        _css = css
        snapshot = traitlets.Dict().tag(sync=True)
        key = traitlets.Unicode().tag(sync=True)       # names the page's store of points
        named = traitlets.Int(NAMED).tag(sync=True)    # curves a legend names, at most

        def __init__(self, **kwargs):
            super().__init__(key=uuid.uuid4().hex, **kwargs)
            self.text = "torchtcl dashboard: training"
            self.picture = None

        def __repr__(self):
            return self.text

        def _repr_mimebundle_(self, **kwargs):
            """Beside the widget view, a picture and a line of text once the cell has ended:
            jupyter console, nbconvert and a notebook opened without the kernel show those."""
            data, metadata = super()._repr_mimebundle_(**kwargs)
            if self.picture is not None:
                data["image/png"] = self.picture
            return data, metadata

    return DashboardWidget


class LiveDashboard(HeadlessDashboard):
    def __init__(self, interp):
        super().__init__(interp)
        self.widget = self.handle = self.stream = None
        self._lock = threading.Lock()          # the sender thread and the cell's end
        self._wake = threading.Condition(self._lock)
        self._sender = None
        self._sent_at = 0.0
        # (it only reads kinds; paced: between two sends, a record costs no call at all)
        interp.telemetry.subscribe(self._on_record, values=False, paced=True)

    def _on_record(self, record):
        """Returns when it next needs a record (see Telemetry.subscribe): at once while no
        dashboard is shown, never while it is off (until `on` or the cell's end), and between
        two sends, when the next is due."""
        if self.widget is None:
            if not self.enabled:
                return float("inf")
            # a dashboard starts with training (a scale or an optimizer's LR), not a log line
            if record.kind not in ("scale", "lr"):
                return None
            self._show()
        elif time.monotonic() - self._sent_at >= FLUSH and self._lock.acquire(blocking=False):
            # A busy loop sends its own points, between two records: the sender thread would
            # have to take the GIL from the loop (a wait of up to sys.getswitchinterval() each
            # time, several percent of the loop in all).
            try:
                self._timed_send()
            finally:
                self._lock.release()
        return self._sent_at + FLUSH

    def _show(self):
        start = time.thread_time()
        self.stream = Stream(self.interp.telemetry)
        self.widget = widget_class()()
        self.handle = display(self.widget, display_id=True)
        with self._lock:
            self._send()                     # the first step at once
            self._sent_at = time.monotonic()
            if self._sender is None:
                self._sender = threading.Thread(target=self._run, name="torchtcl-dashboard",
                                                daemon=True)
                self._sender.start()
            self._wake.notify()
        self.seconds += time.thread_time() - start

    def _run(self):
        """The sender, for points no later record will send (a slow step, the loop's end): while
        a dashboard is live, new points COVER seconds after the last ones."""
        with self._lock:
            while True:
                while self.widget is None:
                    self._wake.wait()
                wait = self._sent_at + COVER - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                self._timed_send()

    def _timed_send(self):
        # The new records join telemetry's columns first, outside this view's cost: that batch
        # is telemetry's own work, which the loop does itself every FRESH_MAX records when no
        # dashboard reads them (make bench counts it with telemetry's rows).
        self.interp.telemetry.records.flush()
        start = time.thread_time()
        self._send()
        self._sent_at = time.monotonic()
        self.seconds += time.thread_time() - start

    def _send(self):
        """New points, a status line (the lock is held)."""
        change = self.stream.take()
        if change is None:
            return
        reset, changes = change
        heads, buffers = [], []
        for mode, done, tail in changes:
            head, bufs = done.message()
            buffers += bufs
            if tail is not None:
                buffers += tail.message()[1]
            heads.append({**head, "mode": mode, "tail": tail is not None})
        self.widget.send({"type": "delta", "reset": reset, "curves": heads,
                          "status": self.stream.status()}, buffers)
        self.messages += 1

    def cell_finished(self):
        """The cell ended: its dashboard gets its final state and its static picture."""
        self.interp.telemetry.wake()          # the next cell's first record may show one
        with self._lock:
            widget, handle = self.widget, self.handle
            if widget is None:
                return
            self.widget = self.handle = self.stream = None     # its snapshot has every point
        start = time.perf_counter()
        drawn = Drawn(self.interp.telemetry.records)
        widget.snapshot = drawn.state()
        widget.text = "torchtcl dashboard: " + drawn.status()
        try:
            widget.picture = png(dashboard_figure(drawn))
        except Exception as e:   # the widget has its state already; a picture is only a fallback
            widget.text += f" (no picture: {e})"
        if handle is not None:           # (None: display() found no frontend to show it on)
            handle.update(widget)
        self.pictures += 1
        self.picture_seconds += time.perf_counter() - start

    def on(self):
        super().on()
        self.interp.telemetry.wake()

    def off(self):
        super().off()
        self.cell_finished()                 # a live dashboard stops where it is, drawn whole
