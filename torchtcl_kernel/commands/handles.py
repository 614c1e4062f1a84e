"""Commands about handles themselves: listing and freeing them."""

from ..core.handles import KINDS
from ..core.registry import Family, param
from ..core.types import AnyHandle, Choice

handles = Family("handles")


@handles.command("free", param("handle", AnyHandle(), (), variadic=True), returns="integer")
def free(ctx, handle):
    """Release handles; their objects go once nothing else holds them. Returns how many.
    A handle named twice in one call is released once."""
    names = list(dict.fromkeys(handle))
    for name in names:
        ctx.store.free(name)
    return len(names)


@handles.command("handles", param("kind", Choice(*KINDS), None), forms=[""],
                 returns="list of dicts")
def list_handles(ctx, kind):
    """Live handles, each a dict: handle, kind, and shape/dtype/device/bytes where they apply."""
    return [ctx.store.describe(name) for name in ctx.store.names(kind)]


@handles.command("collect", returns="empty string")
def collect(ctx):
    """Free, once the running cell, script or evaluation has ended, the handles whose names were
    used as text (printed, put in strings, dict keys ...) and that nothing holds any more: no Tcl
    value carries them and no variable, procedure, trace, `after` script, alias or child
    interpreter names them. Frees nothing while a coroutine exists. docs/memory.md says what it
    cannot see."""
    ctx.reclaimer.request()
    return ""
