"""The command families. Importing this package registers every command."""

from . import amp, autograd, devices, handles, losses, nn, optim, random, schedulers, tensors  # noqa: F401
