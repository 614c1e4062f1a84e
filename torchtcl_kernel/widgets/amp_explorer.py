"""The AMP explorer (`torch::amp_explore`): a gradient scaler's scale over a synthetic run, the
steps it skipped, and sliders for the scaler's settings in a notebook."""

import html

from ..commands.amp_explore import FP16_MAX
from ..core.registry import REGISTRY
from .fallback import fallback_box
from .plot import _mpl, png


def scale_figure(settings, result, width=7.0, dpi=80):
    """The scale at each step on a log2 axis, skipped steps marked, float16's limit for the
    gradient drawn where the overflows come from it."""
    Figure, FigureCanvasAgg, ticker = _mpl()
    fig = Figure(figsize=(width, 3.2), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    scales, skipped = result["scales"], result["skipped"]
    ax.step(range(len(scales)), scales, where="post", linewidth=1.3, label="scale")
    if skipped:
        ax.plot(skipped, [scales[i] for i in skipped], "x", color="crimson",
                label=f"overflow: step skipped ({len(skipped)})")
    if settings.get("overflow_every") is None and settings.get("overflow_prob") is None:
        limit = FP16_MAX / (settings.get("grad_max") or 1.0)
        ax.axhline(limit, color="grey", linestyle=":", linewidth=1,
                   label="largest scale float16 holds")
    ax.set_yscale("log", base=2)
    ax.yaxis.set_major_locator(ticker.LogLocator(base=2, numticks=8))
    ax.set_xlabel("step")
    ax.set_ylabel("loss scale")
    ax.set_title(caption(result), fontsize="small")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small", frameon=False)
    fig.tight_layout()
    return fig


def caption(result):
    n, skipped = len(result["scales"]), result["skipped"]
    first = f", the first at step {skipped[0]}" if skipped else ""
    return (f"skipped {len(skipped)} of {n} steps ({100 * result['skipped_fraction']:.2f} %)"
            f"{first}; final scale {result['final_scale']:g}")


class HeadlessAmpExplorer:
    """Where nothing can be shown: the run is only saved as a picture."""

    def save(self, path, settings, result):
        scale_figure(settings, result, dpi=100).savefig(path, bbox_inches="tight")

    def show(self, settings, result, rerun):
        pass


# slider: (kind, min, max, step) in the units the slider moves; init_scale moves in powers of 2
SLIDERS = {
    "init_scale": ("log2", 0, 24, 1),
    "growth_factor": ("float", 1.0, 4.0, 0.05),
    "backoff_factor": ("float", 0.05, 1.0, 0.05),
    "growth_interval": ("int", 1, 5000, 1),
    "steps": ("int", 10, 20000, 10),
    "overflow_every": ("int", 1, 5000, 1),
    "overflow_prob": ("float", 0.0, 0.2, 0.001),
    "grad_max": ("log2", -8, 16, 1),
}
# each setting's option as the command declares it (-initScale, ...)
CAMEL = {p.name: p.option for p in REGISTRY["amp_explore"].params if p.name in SLIDERS}


def _slider(name, value):
    import ipywidgets as widgets
    kind, lo, hi, step = SLIDERS[name]
    style, layout = {"description_width": "9em"}, widgets.Layout(width="32em")
    common = dict(description=CAMEL[name], continuous_update=False, style=style, layout=layout)
    if kind == "log2":
        import math
        exponent = round(math.log2(value))
        return widgets.IntSlider(value=min(max(exponent, lo), hi), min=lo, max=hi, step=step,
                                 readout_format="d", **common), lambda v: 2.0 ** v
    if kind == "int":
        return widgets.IntSlider(value=min(max(value, lo), max(hi, value)), min=lo,
                                 max=max(hi, value), step=step, **common), int
    return widgets.FloatSlider(value=value, min=lo, max=max(hi, value), step=step,
                               readout_format=".3g", **common), float


class LiveAmpExplorer(HeadlessAmpExplorer):
    """The run's picture with a slider per setting; moving one reruns GradScaler and redraws.
    log2 sliders (-initScale, -gradMax) move in powers of two: their readout is the exponent."""

    view = None

    def show(self, settings, result, rerun):
        import ipywidgets as widgets
        from IPython.display import display
        mode = [n for n in ("overflow_every", "overflow_prob", "grad_max")
                if settings[n] is not None] or ["grad_max"]
        names = ["init_scale", "growth_factor", "backoff_factor", "growth_interval", "steps",
                 *mode]
        start = {**settings, "grad_max": settings["grad_max"] or 1.0} \
            if mode == ["grad_max"] else settings
        sliders = {n: _slider(n, start[n]) for n in names}
        image = widgets.Image(format="png", value=png(scale_figure(settings, result)))
        readout = widgets.HTML(_readout(settings, result))

        def redraw(_change=None):
            current = {**settings, **{n: to_value(s.value) for n, (s, to_value) in
                                      sliders.items()}}
            try:
                fresh = rerun(current)
            except Exception as e:    # a setting GradScaler refuses: say so, keep the sliders
                readout.value = f"<b style='color:crimson'>{html.escape(str(e))}</b>"
                return
            image.value = box.picture = png(scale_figure(current, fresh))
            readout.value = _readout(current, fresh)
            box.text = f"torchtcl AMP explorer: {caption(fresh)}"

        for s, _ in sliders.values():
            s.observe(redraw, names="value")
        box = fallback_box([image, readout, *(s for s, _ in sliders.values())],
                           f"torchtcl AMP explorer: {caption(result)}", image.value)
        self.view = box        # the last view shown (tests drive its sliders)
        display(box)


def _readout(settings, result):
    words = " ".join(f"{CAMEL[n]} {settings[n]:g}" for n in CAMEL if settings.get(n) is not None)
    return (f"<code>{html.escape(caption(result))}</code><br>"
            f"<code>torch::amp_explore {html.escape(words)}</code>")
