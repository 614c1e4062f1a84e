"""The command families. Importing this package registers every command."""

from . import (amp, autograd, devices, handles, losses, nn, optim, random,  # noqa: F401
               schedulers, telemetry, tensors)
