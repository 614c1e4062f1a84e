"""The two schedules the reference has and torch.optim.lr_scheduler lacks, as LRScheduler
subclasses following the reference's formulas exactly. `last_epoch` is the step count t."""

import math

from torch.optim.lr_scheduler import LRScheduler


class InverseSqrtLR(LRScheduler):
    """lr = base * decay * t / warmup for t < warmup, base * decay * sqrt(warmup / t) after."""

    def __init__(self, optimizer, warmup_steps, decay_factor=1.0, last_epoch=-1):
        self.warmup_steps = warmup_steps
        self.decay_factor = decay_factor
        super().__init__(optimizer, last_epoch)

    def factor(self, t):
        if t < self.warmup_steps:
            return (t / self.warmup_steps) * self.decay_factor
        return self.decay_factor * math.sqrt(self.warmup_steps / t)

    def get_lr(self):
        return [base * self.factor(self.last_epoch) for base in self.base_lrs]


class NoamLR(LRScheduler):
    """lr = d_model^-0.5 * min(t^-0.5, t * warmup^-1.5): the schedule itself, independent of the
    optimizer's own learning rate (0 at t = 0)."""

    def __init__(self, optimizer, model_size, warmup_steps=4000, last_epoch=-1):
        self.model_size = model_size
        self.warmup_steps = warmup_steps
        super().__init__(optimizer, last_epoch)

    def rate(self, t):
        if t == 0:
            return 0.0
        return self.model_size ** -0.5 * min(t ** -0.5, t * self.warmup_steps ** -1.5)

    def get_lr(self):
        return [self.rate(self.last_epoch) for _ in self.base_lrs]
