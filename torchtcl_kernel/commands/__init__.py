"""The command families. Importing this package registers every command."""

from . import (activations, amp, autograd, devices, handles, losses, nn, optim,  # noqa: F401
               random, schedulers, telemetry, tensors)
