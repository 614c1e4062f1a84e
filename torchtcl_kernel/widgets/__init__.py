"""Views over telemetry and schedules: matplotlib drawings, and live ipywidgets in notebooks.

A frontend gives its interpreter one set of views: `attach_live` in a notebook (the kernel, the
magics), `attach_headless` elsewhere (the CLI: pictures and CSV files instead of widgets).
"""


def attach_headless(interp):
    """The views a non-notebook frontend has: `torch::dashboard save`, `lr_explore -save`."""
    from .plot import HeadlessDashboard, HeadlessExplorer
    interp.dashboard = HeadlessDashboard(interp)
    interp.explorer = HeadlessExplorer()
    return interp


def attach_live(interp):
    """The views of a notebook: the live dashboard and the LR explorer widget."""
    from .dashboard import LiveDashboard
    from .explorer import LiveExplorer
    interp.dashboard = LiveDashboard(interp)
    interp.explorer = LiveExplorer()
    return interp
