"""The two optimizers the reference has and torch.optim lacks, as torch.optim.Optimizer subclasses,
and SparseAdam with the weight decay the reference gives it.

Everything else the optimizer commands offer is torch.optim itself.
"""

import torch


class _PerTensor(torch.optim.Optimizer):
    """The loop every optimizer here shares: per parameter tensor with a gradient, `update` it."""

    def __init__(self, params, lr, betas, eps, weight_decay):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is not None:
                    self.update(p, p.grad, self.state[p], group)
        return loss


class Lamb(_PerTensor):
    """LAMB (You et al., 2019): Adam's bias-corrected direction plus decoupled weight decay, scaled
    per parameter tensor by the trust ratio ||w|| / ||update|| (1 where either norm is zero)."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01):
        super().__init__(params, lr, betas, eps, weight_decay)

    def update(self, p, grad, state, group):
        beta1, beta2 = group["betas"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = torch.zeros_like(p)
            state["exp_avg_sq"] = torch.zeros_like(p)
        state["step"] += 1
        t = state["step"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m.mul_(beta1).add_(grad, alpha=1 - beta1)
        v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        m_hat = m / (1 - beta1 ** t)
        v_hat = v / (1 - beta2 ** t)
        update = m_hat / (v_hat.sqrt() + group["eps"]) + group["weight_decay"] * p
        w_norm, u_norm = p.norm(), update.norm()
        trust = torch.where((w_norm > 0) & (u_norm > 0), w_norm / u_norm, torch.ones_like(w_norm))
        p.add_(update * trust, alpha=-group["lr"])


class NovoGrad(_PerTensor):
    """NovoGrad (Ginsburg et al., 2019): a second moment per parameter tensor (the running mean of
    ||g||^2), gradients normalised by it, weight decay added, then heavy-ball momentum.

        v_1 = ||g_1||^2,  v_t = b2 v_{t-1} + (1 - b2) ||g_t||^2
        m_1 = g_1 / (sqrt(v_1) + eps) + wd w,  m_t = b1 m_{t-1} + g_t / (sqrt(v_t) + eps) + wd w
        w  <- w - lr m_t
    """

    def __init__(self, params, lr=1e-3, betas=(0.95, 0.98), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr, betas, eps, weight_decay)

    def update(self, p, grad, state, group):
        beta1, beta2 = group["betas"]
        g_sq = grad.pow(2).sum()
        if not state:
            state["exp_avg_sq"] = g_sq.clone()
            direction = grad / (g_sq.sqrt() + group["eps"]) + group["weight_decay"] * p
            state["exp_avg"] = direction.clone()
        else:
            v = state["exp_avg_sq"].mul_(beta2).add_(g_sq, alpha=1 - beta2)
            direction = grad / (v.sqrt() + group["eps"]) + group["weight_decay"] * p
            state["exp_avg"].mul_(beta1).add_(direction)
        p.add_(state["exp_avg"], alpha=-group["lr"])


class SparseAdamL2(torch.optim.SparseAdam):
    """torch.optim.SparseAdam plus L2 weight decay, which SparseAdam lacks: before SparseAdam's own
    step, weight_decay x the parameter is added to each sparse gradient at the gradient's indices
    only. That is what Adam's L2 (grad + wd x param) is on the rows SparseAdam updates at all; a
    dense decay would make the gradient dense, which SparseAdam refuses, and would decay rows the
    step leaves alone. A dense gradient is left as it is, for SparseAdam to reject."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr=lr, betas=betas, eps=eps)
        self.defaults["weight_decay"] = weight_decay
        for group in self.param_groups:
            group["weight_decay"] = weight_decay

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:         # the decay goes on the gradient the closure computes
            with torch.enable_grad():
                loss = closure()
        given = {}     # the gradients as the backward pass left them, put back after the step
        for group in self.param_groups:
            for p in group["params"]:
                if group["weight_decay"] and p.grad is not None and p.grad.is_sparse:
                    given[p] = p.grad
                    grad = p.grad.coalesce()
                    rows = p[tuple(grad.indices())]
                    p.grad = torch.sparse_coo_tensor(
                        grad.indices(), grad.values().add(rows, alpha=group["weight_decay"]),
                        grad.size(), check_invariants=False, is_coalesced=True)  # as grad's
        try:
            super().step()
        finally:
            for p, grad in given.items():
                p.grad = grad
        return loss
