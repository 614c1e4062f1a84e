"""A box of widgets that also carries a static fallback: a line of text and a picture, which
jupyter console, nbconvert and a notebook opened without its kernel show instead of the view."""

import base64
import functools


@functools.cache
def box_class():
    """The class, made on first use (ipywidgets stays out of kernel start)."""
    import ipywidgets as widgets

    class FallbackBox(widgets.VBox):
        def __init__(self, children, text, picture=None, **kwargs):
            super().__init__(children, **kwargs)
            self.text, self.picture = text, picture

        def __repr__(self):
            return self.text

        def _repr_mimebundle_(self, **kwargs):
            data = super()._repr_mimebundle_(**kwargs)
            data = dict(data[0] if isinstance(data, tuple) else data or {})
            data["text/plain"] = self.text
            if self.picture is not None:
                data["image/png"] = self.picture
            return data

    return FallbackBox


def fallback_box(children, text, picture=None):
    return box_class()(children, text, picture)


def register_fallback(shell):
    """Every ipywidget this IPython shell displays gets a static fallback (widget_bundle). By
    name: ipywidgets is imported only when a widget is shown."""
    shell.display_formatter.mimebundle_formatter.for_type_by_name(
        "ipywidgets.widgets.widget", "Widget", widget_bundle)


def widget_bundle(widget):
    """A widget's mime bundle with a static fallback: text/plain a readable summary (not
    ipywidgets' repr, which spells out an Image's PNG bytes) and image/png where the widget
    holds a picture."""
    from ipywidgets import Widget
    bundle = widget._repr_mimebundle_()
    data, metadata = bundle if isinstance(bundle, tuple) else (bundle or {}, {})
    data = dict(data)
    # Only ipywidgets' own repr is replaced: a widget that wrote a summary of its own keeps it.
    generic = Widget.__repr__(widget)
    if data.get("text/plain") in (None, generic, generic[:110] + "…"):
        data["text/plain"] = _widget_text(widget)
    png = data.get("image/png")
    if png is None:
        png = _widget_png(widget)
    if isinstance(png, _BINARY):    # a message carries text: PNG bytes go as base64
        png = base64.b64encode(bytes(png)).decode("ascii")
    if png is not None:
        data["image/png"] = png
    return data, metadata


def _widget_parts(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _widget_parts(child)


_BINARY = (bytes, bytearray, memoryview)     # (an Image's value, once synced, is a memoryview)


def _widget_png(widget):
    for part in _widget_parts(widget):
        value = getattr(part, "value", None)
        if getattr(part, "format", None) == "png" and isinstance(value, _BINARY) and value:
            return bytes(value)
    return None


def _widget_text(widget):
    """`Kind: label value, ...` of the widget's controls; `(picture)` where it has one."""
    words = []
    for part in _widget_parts(widget):
        value = getattr(part, "value", None)
        if isinstance(value, _BINARY):
            words.append("(picture)")
        elif value is not None and not isinstance(value, (dict, list, tuple)):
            label = getattr(part, "description", "")
            words.append(f"{label} {value}".strip())
    kind = type(widget).__name__
    return f"{kind}: {', '.join(words)}" if words else kind
