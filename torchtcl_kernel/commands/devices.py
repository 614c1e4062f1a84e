"""Moving tensors between devices and dtypes (the spec's device_memory_perf family)."""

from ..core.registry import Family, param
from ..core.types import DEVICE, DTYPE
from .common import TENSOR_INPUT

devices = Family("devices")


@devices.command("tensor_to", TENSOR_INPUT, param("device", DEVICE), param("dtype", DTYPE, None),
                 errors={"missing": "Required parameters missing: {required_names}"},
                 returns="tensor handle")
def tensor_to(input, device, dtype):
    """The tensor on another device and/or with another dtype (input itself if nothing changes)."""
    return input.to(device=device, dtype=dtype)
