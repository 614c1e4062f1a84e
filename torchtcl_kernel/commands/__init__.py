"""The command families. Importing this package registers every command."""

from . import (  # noqa: F401
               activations,
               amp,
               amp_explore,
               autograd,
               devices,
               handles,
               losses,
               nn,
               optim,
               random,
               schedulers,
               telemetry,
               tensors,
)
