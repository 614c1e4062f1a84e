"""The live LR explorer: a schedule's curve with sliders for its numeric options."""

from IPython.display import display

from .plot import HeadlessExplorer, curves_figure, png


class LiveExplorer(HeadlessExplorer):
    def show(self, kind, options, curves, recompute):
        import ipywidgets as widgets
        main_label = next(iter(curves))
        others = dict(list(curves.items())[1:])
        pairs = dict(zip(options[::2], options[1::2]))
        image = widgets.Image(format="png", value=png(curves_figure(curves)))
        sliders = {name: _slider(name, value) for name, value in pairs.items()}
        sliders = {name: s for name, s in sliders.items() if s is not None}
        steps = widgets.IntSlider(description="steps", value=len(curves[main_label]), min=10,
                                  max=max(10, 4 * len(curves[main_label])),
                                  continuous_update=False)

        def redraw(_change=None):
            words = [w for name, value in pairs.items()
                     for w in (name, str(sliders[name].value) if name in sliders else value)]
            label = " ".join([kind, *words])
            fresh = {label: recompute(kind, words, steps.value)}
            for other, values in others.items():
                fresh[other] = recompute(*_split(other), steps.value)
            image.value = png(curves_figure(fresh))

        for s in [*sliders.values(), steps]:
            s.observe(redraw, names="value")
        display(widgets.VBox([image, *sliders.values(), steps]))


def _split(label):
    kind, *words = label.split()
    return kind, words


def _slider(name, word):
    import ipywidgets as widgets
    try:
        value = int(word)
        return widgets.IntSlider(description=name, value=value, min=max(1, value // 4) if value > 0
                                 else value - 10, max=max(value * 4, value + 10),
                                 continuous_update=False)
    except ValueError:
        pass
    try:
        value = float(word)
    except ValueError:
        return None
    high = value * 4 if value > 0 else 1.0
    return widgets.FloatSlider(description=name, value=value, min=0.0, max=high,
                               step=high / 200, readout_format=".3g", continuous_update=False)
