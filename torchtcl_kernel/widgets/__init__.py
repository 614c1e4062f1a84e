"""Views over telemetry and schedules: matplotlib drawings, and live ipywidgets in notebooks.

A frontend gives its interpreter one set of views: `attach_live` in a notebook (the kernel, the
magics), `attach_headless` elsewhere (the CLI: pictures and CSV files instead of widgets).
"""


def attach_headless(interp):
    """The views a non-notebook frontend has: `torch::dashboard save`, `lr_explore -save`,
    `amp_explore -save`."""
    from .amp_explorer import HeadlessAmpExplorer
    from .plot import HeadlessDashboard, HeadlessExplorer
    interp.dashboard = HeadlessDashboard(interp)
    interp.explorer = HeadlessExplorer()
    interp.amp_explorer = HeadlessAmpExplorer()
    return interp


def attach_live(interp):
    """The views of a notebook: the live dashboard and the LR and AMP explorer widgets; and,
    in the IPython shell running, a static fallback for every widget it shows."""
    from IPython import get_ipython

    from .amp_explorer import LiveAmpExplorer
    from .dashboard import LiveDashboard
    from .explorer import LiveExplorer
    from .fallback import register_fallback
    interp.dashboard = LiveDashboard(interp)
    interp.explorer = LiveExplorer()
    interp.amp_explorer = LiveAmpExplorer()
    shell = get_ipython()
    if shell is not None:
        register_fallback(shell)
    return interp
