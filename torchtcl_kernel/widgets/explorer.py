"""The live LR explorer: the schedules' curves, sliders for the first schedule's numeric options,
-steps and -lr, a message line for what goes wrong, and the settings as Tcl and PyTorch code.

The sliders move the first curve only (the -compare curves keep their options; -steps and -lr
apply to all), and the widget says so. A setting a schedule rejects leaves the last good picture and
code in place and says why under it; the next setting that works draws again. The widget's output
also carries a static picture and the code as text, for consoles and notebooks saved without
widget state.
"""

import base64
import html
import math

from IPython.display import display

from ..commands.schedule_code import (
    explore_curve,
    interval,
    python_code,
    step_limit,
    tcl_command,
    tcl_quote,
)
from ..commands.schedulers import schedule_command
from ..core.errors import CommandError, tcl_wording
from ..core.types import Int
from .fallback import fallback_box
from .plot import HeadlessExplorer, curves_figure, png

PICTURE_WIDTH, DPI = 7.0, 100     # inches, dots per inch: 700 pixels wide


class LiveExplorer(HeadlessExplorer):
    def __init__(self):
        self.view = None        # the last explorer shown (tests and debugging reach it here)

    def show(self, ctx, schedules, curves, steps, lr, metric, actual=None):
        self.view = ExplorerView(ctx, schedules, curves, steps, lr, metric, actual)
        display(self.view.box)


class ExplorerView:
    """One explorer: its widgets (`box`, `sliders`, `lr`, `steps`, `image`, `message`, `code`)
    and what they show now (`curves`, `tcl`, `python`, `error`). An -against optimizer's history
    (`actual`) is drawn over every redraw as it was when the command ran."""

    def __init__(self, ctx, schedules, curves, steps, lr, metric, actual=None):
        import ipywidgets as widgets
        self.ctx, self.metric, self.actual = ctx, metric, actual
        (self.kind, words), *self.others = schedules
        self.words = list(words)
        # Sliders for the first schedule's numeric options, in the order they were given.
        self.sliders = {}
        cmd = schedule_command(self.kind)
        for key, value in zip(self.words[::2], self.words[1::2], strict=True):
            p = cmd.options.get(key)
            if p is not None and key not in self.sliders:
                slider = _slider(key, p, value, lr)
                if slider is not None:
                    self.sliders[key] = slider
        self.lr = widgets.FloatLogSlider(description="-lr", value=lr, base=10,
                                         min=math.log10(lr) - 1, max=math.log10(lr) + 1,
                                         step=0.01, readout_format=".3g",
                                         continuous_update=False)
        limit = self._step_limit(schedules)
        top = max(4 * steps, 10) if limit is None else min(max(4 * steps, 10), limit)
        self.steps = widgets.IntSlider(description="-steps", value=steps,
                                       min=max(1, min(steps // 4, 10)), max=max(top, steps),
                                       continuous_update=False)
        controls = [*self.sliders.values(), self.lr, self.steps]
        width = f"{max(len(s.description) for s in controls) * 0.6 + 1:.1f}em"
        for s in controls:
            s.style.description_width = width
            s.layout.width = "36em"
        # shown at its own size (stretched, it blurs), narrower where the page is
        self.image = widgets.Image(format="png", value=self._picture(curves),
                                   layout=widgets.Layout(width=f"{PICTURE_WIDTH * DPI:.0f}px",
                                                         max_width="100%", height="auto"))
        self.message = widgets.HTML()
        note = ""
        if self.others:
            first = html.escape(_label(ctx, self.kind, self.words))
            note = (f"<i>The sliders move the first curve ({first}); the -compare curves keep "
                    "their options. -steps and -lr apply to every curve.</i>")
        self.code = widgets.HTML()          # the Tcl command
        self.python_code = widgets.HTML()   # PyTorch's, folded away: it is long
        code = widgets.Accordion(children=[self.python_code],
                                 titles=("PyTorch code for the first curve",))
        self.curves, self.error = curves, None
        self._busy = False
        self._show_code(steps, lr)
        # consoles and notebooks saved without widget state show the first picture and the code
        self.box = fallback_box([self.image, self.message, widgets.HTML(note), *controls,
                                 self.code, code], self.text(),
                                base64.b64encode(self.image.value).decode("ascii"))
        self.box.add_class("torchtcl-explorer")         # for the page's tests and styles
        self.message.add_class("torchtcl-explorer-message")
        for s in controls:
            s.observe(self.update, names="value")

    # --- what the sliders say ------------------------------------------------------------------
    def current_words(self):
        return [w for key, value in zip(self.words[::2], self.words[1::2], strict=True)
                for w in (key, _word(self.sliders[key].value) if key in self.sliders else value)]

    def schedules(self):
        return [(self.kind, self.current_words()), *self.others]

    def text(self):
        """The code as text: the static output's and what the code box shows."""
        return f"Tcl:\n{self.tcl}\n\nPyTorch ({self.kind}):\n{self.python}"

    # --- redrawing ---------------------------------------------------------------------------
    def update(self, _change=None):
        if self._busy:
            return              # the steps slider's own clamp (below) calls back: one redraw
        self._busy = True
        try:
            self._redraw()
        finally:
            self._busy = False

    def _redraw(self):
        schedules = self.schedules()
        try:
            limit = self._step_limit(schedules)
            if limit is not None and self.steps.max != max(limit, self.steps.min):
                self.steps.max = max(limit, self.steps.min)   # clamps the value if need be
            steps, lr = self.steps.value, self.lr.value
            curves = {_label(self.ctx, kind, words): explore_curve(self.ctx, kind, words, steps, lr,
                                                                   self.metric)
                      for kind, words in schedules}
            self._show_code(steps, lr)
        except ReferenceError:
            return self._fail("the interpreter this explorer ran in is gone: run the cell again")
        except Exception as e:  # noqa: BLE001 -- whatever a schedule raises, the widget stays usable
            message = e.message if isinstance(e, CommandError) else tcl_wording(e)[0]
            return self._fail(message)
        self.curves, self.error = curves, None
        self.image.value = self._picture(curves)
        self.message.value = ""

    def _fail(self, message):
        self.error = message
        self.message.value = (
            f'<div style="color:#b00020;white-space:pre-wrap">{html.escape(message)}</div>'
            '<div style="color:#666"><i>The picture and the code show the last settings that '
            'worked.</i></div>')

    def _show_code(self, steps, lr):
        self.tcl = tcl_command(self.ctx, self.schedules(), steps, lr, self.metric)
        if self.actual is not None:
            self.tcl += f" -against {tcl_quote(self.ctx, [self.actual.source])}"
        self.python = python_code(self.ctx, self.kind, self.current_words(), steps, lr,
                                  self.metric)
        self.code.value = ("<div style='margin-top:0.5em'><b>Tcl</b> (the sliders' settings)</div>"
                           "<pre style='white-space:pre-wrap;margin:0.3em 0'>"
                           f"{html.escape(self.tcl)}</pre>")
        self.python_code.value = f"<pre style='margin:0'>{html.escape(self.python)}</pre>"

    def _picture(self, curves):
        return png(curves_figure(curves, width=PICTURE_WIDTH, dpi=DPI, actual=self.actual))

    def _step_limit(self, schedules):
        """The most steps every schedule can take (OneCycleLR stops at its totalSteps)."""
        limits = []
        for kind, words in schedules:
            try:
                limits.append(step_limit(self.ctx, kind, words))
            except CommandError:
                pass                # a bad option: the redraw says what
        limits = [n for n in limits if n is not None]
        return min(limits) if limits else None


def _label(ctx, kind, words):
    return tcl_quote(ctx, [kind, *words])


def _word(value):
    return str(value) if isinstance(value, int) else f"{value:.6g}"


def _slider(key, p, word, lr):
    """A slider for option `p` given as `word`: a range around that value, within the option's
    limits; None for an option that is not a number (or not one here: a lambda)."""
    import ipywidgets as widgets
    bounds = interval(p)
    if bounds is None:
        return None
    low, low_closed, high, high_closed = bounds
    try:
        value = float(word)
    except ValueError:
        return None
    if isinstance(p.type, Int):
        value = int(value)
        lo = max(1, value // 4) if value > 0 else value - 10
        hi = max(value * 4, value + 10)
        if low is not None:
            lo = max(lo, low if low_closed else low + 1)
        if high is not None:
            hi = min(hi, high if high_closed else high - 1)
        return widgets.IntSlider(description=key, value=value, min=min(lo, value),
                                 max=max(hi, value), continuous_update=False)
    # Floats: a quarter to four times the value; a zero is most often an LR floor (etaMin,
    # minLr), so up to the base LR.
    lo, hi = (value / 4, value * 4) if value > 0 else (value * 4, -value) if value < 0 \
        else (0.0, lr)
    step = (hi - lo) / 200
    if low is not None:
        lo = max(lo, low if low_closed else low + step)
    if high is not None:
        hi = min(hi, high if high_closed else high - step)
    return widgets.FloatSlider(description=key, value=value, min=min(lo, value),
                               max=max(hi, value), step=step, readout_format=".4g",
                               continuous_update=False)
