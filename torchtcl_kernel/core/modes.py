"""PyTorch's thread-local modes (grad mode, autocast per device type), kept per interpreter.

A script's `torch::no_grad` or `torch::autocast_enable` must hold for the interpreter's later
evaluations (a notebook enables autocast in one cell and trains in the next), yet must not leak into
the Python code around an evaluation (the %%tcl magics share a process with the user's Python). So
each interpreter owns a copy: `enter` installs it for the duration of an eval and `leave` takes back
whatever the script changed, restoring the caller's modes.
"""

import torch

DEVICE_TYPES = ("cpu", "cuda")


def _autocast_state():
    return {d: (torch.is_autocast_enabled(d), torch.get_autocast_dtype(d)) for d in DEVICE_TYPES}


def _switch(grad, autocast, from_grad, from_autocast):
    """Install a state, touching only what differs (each setter costs as much as all reads)."""
    if grad != from_grad:
        torch.set_grad_enabled(grad)
    for device, (enabled, dtype) in autocast.items():
        was_enabled, was_dtype = from_autocast[device]
        if dtype != was_dtype:
            torch.set_autocast_dtype(device, dtype)
        if enabled != was_enabled:
            torch.set_autocast_enabled(device, enabled)


class Modes:
    def __init__(self):
        self.grad = True
        self.autocast = {d: (False, dtype) for d, (_, dtype) in _autocast_state().items()}

    def enter(self):
        outer = (torch.is_grad_enabled(), _autocast_state())
        _switch(self.grad, self.autocast, *outer)
        return outer

    def leave(self, outer):
        self.grad = torch.is_grad_enabled()
        self.autocast = _autocast_state()
        grad, autocast = outer
        _switch(grad, autocast, self.grad, self.autocast)
