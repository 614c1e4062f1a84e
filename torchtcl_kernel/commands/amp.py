"""Automatic mixed precision: torch.amp.GradScaler under scaler handles, and autocast state.

The scaler arithmetic (scaling, inf/NaN checks, skipping steps, growth and backoff) is
torch.amp.GradScaler's own; this module only adapts it to commands and handles. Two things the
reference's scripts do that GradScaler refuses are given a meaning here, and documented:

* stepping or updating when no backward pass has produced gradients since the last update
  (GradScaler asserts "No inf checks were recorded"): nothing was checked, so the step changes no
  parameter and the update leaves the scale where it is;
* a growth or backoff factor of exactly 1.0 (GradScaler's constructor asserts growth > 1 and
  backoff < 1; its setters and its update take any value): the factor is set through the setter.
"""

import torch

from ..core.errors import CommandError
from ..core.registry import UNKNOWN_LISTED, Family, Read, param
from ..core.types import BOOL, FLOAT, INT, STATE_DICT, TENSOR, Choice, Handle, StateDict
from .common import first_gradient, optimizer_param, positive, read_later
from .optim import record_optimizer_lr

amp = Family("amp", no_value="Named parameters must come in pairs")

SCALER = Handle("scaler")


class AmpScaler:
    """What a scaler handle holds: a torch.amp.GradScaler and whether an inf check is pending."""

    handle_kind = "scaler"

    def __init__(self, device, init_scale, growth_factor, backoff_factor, growth_interval,
                 enabled):
        self.device = device
        self.torch = torch.amp.GradScaler(device, init_scale, 2.0, 0.5, growth_interval, enabled)
        if self.torch.is_enabled():
            self.torch.set_growth_factor(growth_factor)
            self.torch.set_backoff_factor(backoff_factor)
        self.checked = False      # an inf/NaN check was recorded since the last update
        self.updates = 0

    def _ready(self, device):
        # GradScaler creates its scale tensor on the first scale(); a step may come first.
        if self.torch.is_enabled() and self.torch._scale is None:
            self.torch.scale(torch.zeros((), device=device))

    def scale(self, tensor):
        return self.torch.scale(tensor)

    def unscale(self, optimizer):
        grad = first_gradient(optimizer)
        if grad is not None and self.torch.is_enabled():     # (disabled: unscale_ does nothing)
            self._ready(grad.device)
            self.torch.unscale_(optimizer)
            self.checked = True

    def step(self, optimizer):
        if not self.torch.is_enabled():
            optimizer.step()
            return
        grad = first_gradient(optimizer)
        if grad is None:
            return
        self._ready(grad.device)
        self.torch.step(optimizer)
        self.checked = True

    def update(self, new_scale=None):
        """Returns this iteration's inf/NaN checks, for telemetry to mark it skipped: GradScaler's
        per-optimizer states (a private attribute, stable since torch 1.6), each with the
        found_inf_per_device its update backs off from, 0-d tensors on the device, nonzero where
        a check found inf/NaN. Taken before update, which replaces the dict with an empty one:
        this one stays as it is. Not read here: on CUDA that would wait for the step queued."""
        checks = self.torch._per_optimizer_states if self.checked else {}
        if new_scale is not None:
            self._ready(torch.device(self.device))
            self.torch.update(new_scale)
        elif self.checked:
            self.torch.update()
        self.checked = False
        self.updates += 1
        return checks

    def summary(self):
        return {"type": "GradScaler", "device": self.device, "scale": self.torch.get_scale(),
                "enabled": self.torch.is_enabled(), "bytes": 8 if self.torch.is_enabled() else 0}


def default_device():
    return "cuda" if torch.cuda.is_available() else "cpu"


POSITIVE = dict(check=positive, check_msg="Invalid parameters: all values must be positive")


@amp.command("grad_scaler_new",
             param("init_scale", FLOAT, 65536.0, **POSITIVE),
             param("growth_factor", FLOAT, 2.0, **POSITIVE),
             param("backoff_factor", FLOAT, 0.5, **POSITIVE),
             param("growth_interval", INT, 2000, **POSITIVE),
             param("enabled", BOOL, True),
             param("device", Choice("cpu", "cuda"), None),
             forms=["?init_scale? ?growth_factor? ?backoff_factor? ?growth_interval?"],
             returns="scaler handle")
def grad_scaler_new(init_scale, growth_factor, backoff_factor, growth_interval, enabled, device):
    """A torch.amp.GradScaler for the given device (cuda where present, else cpu)."""
    device = device or default_device()
    if device == "cuda" and not torch.cuda.is_available():
        raise CommandError("Invalid device: cuda (CUDA is not available)")
    return AmpScaler(device, init_scale, growth_factor, backoff_factor, growth_interval, enabled)


SCALER_P = param("scaler", SCALER, aliases=("grad_scaler", "gradscaler"))
OPTIMIZER_P = optimizer_param(aliases=("optim", "opt"))
BOTH = "Required parameters missing: scaler and {what} handles required"
USAGE = {"missing_positional": "Usage: {usage}"}      # a positional call short of its words


@amp.command("grad_scaler_scale", SCALER_P,
             param("tensor", TENSOR, aliases=("input",), invalid="Tensor not found"),
             errors={"missing": BOTH.format(what="tensor"), **USAGE}, returns="tensor handle")
def grad_scaler_scale(scaler, tensor):
    """tensor multiplied by the scaler's current scale (what to call backward on)."""
    return scaler.scale(tensor)


@amp.command("grad_scaler_step", SCALER_P, OPTIMIZER_P,
             errors={"missing": BOTH.format(what="optimizer"), **USAGE},
             returns="scaler step completed")
def grad_scaler_step(ctx, scaler, optimizer):
    """Unscale the optimizer's gradients and step it, unless they hold inf/NaN (then skip)."""
    step_recorded(ctx, scaler, optimizer)
    return "scaler step completed"


def step_recorded(ctx, scaler, optimizer):
    """The scaler's step of the optimizer, its learning rate recorded in telemetry."""
    scaler.step(optimizer)
    record_optimizer_lr(ctx, optimizer)


@amp.command("grad_scaler_update", SCALER_P, param("new_scale", FLOAT, None, **POSITIVE),
             forms=["scaler"], errors={"missing": "Usage: {usage}"}, returns="scaler updated")
def grad_scaler_update(ctx, scaler, new_scale):
    """Back off the scale if this iteration found inf/NaN; grow it after growthInterval clean
    ones."""
    update_recorded(ctx, scaler, new_scale)
    return "scaler updated"


def update_recorded(ctx, scaler, new_scale=None):
    """The scaler's update, its new scale recorded in telemetry."""
    record_scale(ctx, scaler, scaler.update(new_scale))


def record_scale(ctx, scaler, checks):
    """Telemetry: the scaler's scale, marked when `checks` (AmpScaler.update's) found inf/NaN
    and steps were skipped. A scale on an accelerator is recorded without waiting for it
    (read_later): the loop runs on while the device works."""
    source, scale = ctx.store.name_of(scaler), getattr(scaler.torch, "_scale", None)
    if scale is not None and not scale.is_cpu:
        read = read_later([scale, *(found for state in checks.values()
                                    for found in state["found_inf_per_device"].values())])

        def scale_and_skipped():
            value, *checks = read()
            return value, any(checks)
        ctx.telemetry.record_later("scale", source, scaler.updates, "scale", scale_and_skipped)
        return
    # (the scale tensor's value is what get_scale returns, read without get_scale's own calls:
    # right after a step every Python call comes from cold caches, at several us each)
    ctx.telemetry.record("scale", source, scaler.updates, "scale",
                         scaler.torch.get_scale() if scale is None else scale.item(),
                         any_found(checks))


def any_found(checks):
    """Whether one of an iteration's inf/NaN checks (AmpScaler.update's) found any: its steps
    were skipped. Reads the tensors (on CUDA: waits for them)."""
    for state in checks.values():       # (loops, not any() of a generator: no frame for it)
        for found in state["found_inf_per_device"].values():
            if found.item():
                return True
    return False


@amp.command("grad_scaler_get_scale", SCALER_P,
             errors={"missing": "Usage: {cmd} scaler"}, returns="double",
             # GradScaler.get_scale's two enabled cases (disabled: the function says 1.0). Its
             # scale tensor exists only on an enabled scaler, which stays enabled (set once,
             # in GradScaler.__init__), so the first needs no `when`.
             reads=[Read(".torch._scale.item()", float, memo=".torch._scale"),
                    Read(".torch._init_scale", float,
                         when=((".torch._enabled", True), (".torch._scale", None)))])
def grad_scaler_get_scale(scaler):
    """The scaler's current scale."""
    return scaler.torch.get_scale()


@amp.command("grad_scaler_unscale", SCALER_P, OPTIMIZER_P,
             errors={"missing": BOTH.format(what="optimizer")},
             returns="scaler unscale completed")
def grad_scaler_unscale(scaler, optimizer):
    """Divide the optimizer's gradients by the scale now (to clip or inspect them before step)."""
    scaler.unscale(optimizer)
    return "scaler unscale completed"


@amp.command("grad_scaler_is_enabled", SCALER_P, returns="1 or 0")
def grad_scaler_is_enabled(scaler):
    """Whether the scaler scales at all (a disabled one passes everything through)."""
    return scaler.torch.is_enabled()


@amp.command("grad_scaler_state_dict", SCALER_P, returns="dict")
def grad_scaler_state_dict(scaler):
    """scale, growth_factor, backoff_factor, growth_interval and _growth_tracker, as a dict."""
    return scaler.torch.state_dict()


@amp.command("grad_scaler_load_state_dict", SCALER_P,
             param("state", STATE_DICT, aliases=("state_dict",)), returns="OK")
def grad_scaler_load_state_dict(scaler, state):
    """Restore what grad_scaler_state_dict returned (all five keys are needed)."""
    missing = set(StateDict.KEYS) - set(state)
    if missing:
        raise CommandError("Invalid state dict: missing " + ", ".join(sorted(missing)))
    scaler.torch.load_state_dict(state)
    return "OK"


def _accessor(attr, type_, doc):
    def get(scaler):
        return getattr(scaler.torch, f"get_{attr}")()

    def set_(scaler, value):
        getattr(scaler.torch, f"set_{attr}")(value)
        return "OK"
    get.__doc__ = f"The scaler's {doc}."
    set_.__doc__ = f"Change the scaler's {doc}."
    amp.command(f"grad_scaler_get_{attr}", SCALER_P, returns=type_.name)(get)
    amp.command(f"grad_scaler_set_{attr}", SCALER_P, param("value", type_, **POSITIVE),
                returns="OK")(set_)


_accessor("growth_factor", FLOAT, "growth factor (the scale is multiplied by it after "
          "growthInterval clean steps)")
_accessor("backoff_factor", FLOAT, "backoff factor (the scale is multiplied by it on inf/NaN)")
_accessor("growth_interval", INT, "growth interval (clean steps needed before the scale grows)")


# --- autocast ------------------------------------------------------------------------------------
AUTOCAST_DTYPES = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32}
BAD_AUTOCAST = "Invalid parameters. Device type: cuda or cpu. Dtype: float16, bfloat16, or float32"
BAD_DEVICE = "Invalid device type. Use cuda or cpu"
VALID_ERRORS = {"unknown": UNKNOWN_LISTED,
                "no_value": "Missing value for parameter"}


def _device_type_param(invalid):
    return param("device_type", Choice("cuda", "cpu"), "cuda", aliases=("device",), invalid=invalid)


def _dtype_param(**kw):
    return param("dtype", Choice(*AUTOCAST_DTYPES), aliases=("data_type",), invalid=BAD_AUTOCAST,
                 **kw)


@amp.command("autocast_enable", _device_type_param(BAD_AUTOCAST), _dtype_param(default="float16"),
             errors={**VALID_ERRORS, "usage": "Usage: {cmd} [device_type] [dtype]"},
             returns="autocast enabled")
def autocast_enable(device_type, dtype):
    """From now on, ops on device_type run in dtype where autocast deems it safe (matmul,
    linear, ...)."""
    torch.set_autocast_dtype(device_type, AUTOCAST_DTYPES[dtype])
    torch.set_autocast_enabled(device_type, True)
    return "autocast enabled"


@amp.command("autocast_disable", _device_type_param(BAD_DEVICE),
             errors={**VALID_ERRORS, "usage": "Usage: {cmd} [device_type]"},
             returns="autocast disabled")
def autocast_disable(device_type):
    """Back to full precision on device_type (and drop autocast's cache of cast weights)."""
    torch.set_autocast_enabled(device_type, False)
    torch.clear_autocast_cache()
    return "autocast disabled"


@amp.command("autocast_is_enabled", _device_type_param(BAD_DEVICE),
             errors={**VALID_ERRORS, "usage": "Usage: {cmd} [device_type]"}, returns="1 or 0")
def autocast_is_enabled(device_type):
    """Whether autocast is on for device_type."""
    return torch.is_autocast_enabled(device_type)


@amp.command("autocast_set_dtype", _dtype_param(), _device_type_param(BAD_AUTOCAST),
             errors={**VALID_ERRORS, "usage": "Usage: {cmd} dtype [device_type]",
                     "missing": "Missing required dtype parameter. Valid dtypes: "
                                "float16, bfloat16, float32"},
             returns="autocast dtype set")
def autocast_set_dtype(dtype, device_type):
    """The reduced dtype autocast uses on device_type (takes effect for later ops)."""
    torch.set_autocast_dtype(device_type, AUTOCAST_DTYPES[dtype])
    return "autocast dtype set"
