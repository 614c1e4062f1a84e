"""Optimizers (torch.optim, plus LAMB and NovoGrad which it lacks) and stepping them.

Each optimizer command is one declaration: its parameters (the reference's names, defaults and
positional order, with PyTorch's further options as named extras) and how they map onto the
optimizer class.
"""

import torch

from ..core.errors import CommandError
from ..core.registry import REQUIRED, Family, P
from ..core.types import (BOOL, FLOAT, INT, OPTIMIZER, STRING, Choice, Type, script_callback,
                          tcl_float, tcl_list)
from .extra_optimizers import Lamb, NovoGrad

optim = Family("optim")


class Params(Type):
    """Tensors to optimize: a list of tensor handles and/or module handles (all their parameters)."""

    name = "list of tensor or module handles"
    handle_kind = "tensor"

    def convert(self, ctx, word):
        params = []
        for w in tcl_list(ctx, word):
            try:
                params.append(ctx.store.get(w, "tensor"))
            except CommandError:
                try:
                    params.extend(ctx.store.get(w, "module").parameters())
                except CommandError:
                    raise CommandError(f"Invalid parameter tensor: {w}", "NOT_FOUND") from None
        if not params:
            raise CommandError("Invalid parameter tensor: the list is empty")
        return params


class FloatPair(Type):
    """Two numbers as a Tcl list, e.g. betas {0.9 0.999}."""

    name = "list of 2 doubles"

    def convert(self, ctx, word):
        words = tcl_list(ctx, word)
        if len(words) != 2:
            raise CommandError(f'expected a list of two numbers but got "{word}"')
        return tuple(tcl_float(ctx, w) for w in words)


PARAMS, PAIR = Params(), FloatPair()


def positive(v):
    return v > 0


def non_negative(v):
    return v >= 0


def unit(v):
    return 0 <= v < 1


def LR(default=REQUIRED):
    return P("lr", FLOAT, default, aliases=("learningRate",), check=positive)


def EPS(default):
    return P("eps", FLOAT, default, aliases=("epsilon",), check=non_negative)


def WD(default=0.0):
    return P("weight_decay", FLOAT, default, check=non_negative)


def BETAS(beta1, beta2):
    """-beta1/-beta2 by name; positionally some pages take them as one list, `betas`."""
    return (P("betas", PAIR, None, check=lambda b: all(unit(x) for x in b)),
            P("beta1", FLOAT, beta1, check=unit), P("beta2", FLOAT, beta2, check=unit))


def _betas(kw):
    pair = kw.pop("betas", None) or (kw.pop("beta1"), kw.pop("beta2"))
    kw.pop("beta1", None)
    kw.pop("beta2", None)
    kw["betas"] = pair
    return kw


def optimizer(name, *params, build, forms, requirement, doc):
    """Declare an optimizer command. build(parameters, **options) -> torch.optim.Optimizer."""
    text = f"Required parameters missing or invalid ({requirement})"

    def create(parameters, **options):
        return build(parameters, **options)
    create.__doc__ = doc
    optim.command(name, P("parameters", PARAMS, aliases=("params",)), *params, forms=forms,
                  errors={"missing": text, "check": text}, returns="optimizer handle")(create)


BASIC = "parameters and positive learning rate required"
ADAM_LIKE = (BASIC + ", beta values must be in [0,1), weight_decay must be non-negative")

optimizer("optimizer_sgd", LR(0.01), P("momentum", FLOAT, 0.0, check=non_negative),
          P("dampening", FLOAT, 0.0, check=non_negative), WD(), P("nesterov", BOOL, False),
          P("maximize", BOOL, False),
          forms=["parameters lr ?momentum? ?dampening? ?weight_decay? ?nesterov?"],
          requirement=BASIC, build=torch.optim.SGD,
          doc="Stochastic gradient descent, torch.optim.SGD (momentum and Nesterov optional).")

optimizer("optimizer_momentum_sgd", LR(), P("momentum", FLOAT, check=non_negative), WD(),
          P("dampening", FLOAT, 0.0, check=non_negative), P("nesterov", BOOL, False),
          forms=["parameters lr momentum ?weight_decay?"],
          requirement=BASIC + ", momentum must be non-negative", build=torch.optim.SGD,
          doc="SGD with momentum (torch.optim.SGD with the momentum term required).")

optimizer("optimizer_adam", LR(), *BETAS(0.9, 0.999), WD(), EPS(1e-8), P("amsgrad", BOOL, False),
          forms=["parameters lr ?beta1? ?beta2? ?weight_decay?"], requirement=ADAM_LIKE,
          build=lambda ps, **kw: torch.optim.Adam(ps, **_betas(kw)),
          doc="Adam, torch.optim.Adam.")

optimizer("optimizer_adamw", LR(), WD(0.01), *BETAS(0.9, 0.999), EPS(1e-8),
          P("amsgrad", BOOL, False), forms=["parameters lr ?weight_decay?"],
          requirement=ADAM_LIKE, build=lambda ps, **kw: torch.optim.AdamW(ps, **_betas(kw)),
          doc="AdamW (Adam with decoupled weight decay), torch.optim.AdamW.")

optimizer("optimizer_adamax", LR(0.002), *BETAS(0.9, 0.999), EPS(1e-8), WD(),
          forms=["parameters ?lr? ?betas? ?eps? ?weight_decay?"], requirement=ADAM_LIKE,
          build=lambda ps, **kw: torch.optim.Adamax(ps, **_betas(kw)),
          doc="Adamax (Adam with the infinity norm), torch.optim.Adamax.")

optimizer("optimizer_adagrad", LR(), EPS(1e-10), P("lr_decay", FLOAT, 0.0, check=non_negative),
          WD(), P("initial_accumulator_value", FLOAT, 0.0, check=non_negative),
          forms=["parameters lr ?eps?"], requirement=BASIC, build=torch.optim.Adagrad,
          doc="Adagrad, torch.optim.Adagrad.")

optimizer("optimizer_rmsprop", LR(), P("alpha", FLOAT, 0.99, check=non_negative), EPS(1e-8),
          WD(), P("momentum", FLOAT, 0.0, check=non_negative), P("centered", BOOL, False),
          forms=["parameters lr ?alpha? ?eps?"], requirement=BASIC, build=torch.optim.RMSprop,
          doc="RMSprop, torch.optim.RMSprop.")


def _rprop(ps, etas, step_sizes, eta_minus, eta_plus, step_size_min, step_size_max, **kw):
    return torch.optim.Rprop(ps, etas=etas or (eta_minus, eta_plus),
                             step_sizes=step_sizes or (step_size_min, step_size_max), **kw)


optimizer("optimizer_rprop", LR(0.01), P("etas", PAIR, None), P("step_sizes", PAIR, None),
          P("eta_minus", FLOAT, 0.5, check=positive), P("eta_plus", FLOAT, 1.2, check=positive),
          P("step_size_min", FLOAT, 1e-6, check=non_negative),
          P("step_size_max", FLOAT, 50.0, check=positive),
          forms=["parameters ?lr? ?etas? ?step_sizes?"], requirement=BASIC, build=_rprop,
          doc="Rprop (resilient backpropagation), torch.optim.Rprop.")

optimizer("optimizer_radam", LR(0.001), *BETAS(0.9, 0.999), EPS(1e-8), WD(),
          P("decoupled_weight_decay", BOOL, False),
          forms=["parameters ?lr? ?betas? ?eps? ?weight_decay?"], requirement=ADAM_LIKE,
          build=lambda ps, **kw: torch.optim.RAdam(ps, **_betas(kw)),
          doc="RAdam (rectified Adam), torch.optim.RAdam.")

optimizer("optimizer_nadam", LR(0.002), *BETAS(0.9, 0.999), EPS(1e-8), WD(),
          P("momentum_decay", FLOAT, 0.004, check=non_negative),
          P("decoupled_weight_decay", BOOL, False),
          forms=["parameters ?lr? ?betas? ?eps? ?weight_decay? ?momentum_decay?"],
          requirement=ADAM_LIKE, build=lambda ps, **kw: torch.optim.NAdam(ps, **_betas(kw)),
          doc="NAdam (Adam with Nesterov momentum), torch.optim.NAdam.")


def _lbfgs(ps, line_search_fn, **kw):
    return torch.optim.LBFGS(ps, line_search_fn=None if line_search_fn == "none"
                             else line_search_fn, **kw)


optimizer("optimizer_lbfgs", LR(1.0), P("max_iter", INT, 20, check=positive),
          P("max_eval", INT, 25, check=positive), P("tolerance_grad", FLOAT, 1e-7),
          P("tolerance_change", FLOAT, 1e-9), P("history_size", INT, 100, check=positive),
          P("line_search_fn", Choice("none", "strong_wolfe"), "none"),
          forms=["parameters ?lr? ?max_iter? ?max_eval? ?tolerance_grad? ?tolerance_change?"],
          requirement=BASIC, build=_lbfgs,
          doc="L-BFGS, torch.optim.LBFGS. Step it with `torch::optimizer_step $opt -closure SCRIPT`.")


def _sparse_adam(ps, weight_decay, **kw):
    if weight_decay:
        raise CommandError("optimizer_sparse_adam: PyTorch's SparseAdam has no weight decay")
    return torch.optim.SparseAdam(ps, **_betas(kw))


optimizer("optimizer_sparse_adam", LR(0.001), *BETAS(0.9, 0.999), EPS(1e-8), WD(),
          forms=["parameters ?lr? ?beta1? ?beta2? ?eps? ?weight_decay?"], requirement=ADAM_LIKE,
          build=_sparse_adam, doc="SparseAdam (for sparse gradients), torch.optim.SparseAdam.")


def _adafactor(ps, lr, eps2, clip_threshold, decay_rate, beta1, weight_decay):
    # The reference's names map onto torch.optim.Adafactor's: its eps2 (1e-30) regularises the
    # squared gradient, which PyTorch calls eps[0]; clipThreshold is PyTorch's d; decayRate is
    # beta2_decay, -1 meaning "PyTorch's default schedule". PyTorch's Adafactor keeps no first
    # moment, so beta1 can only be -1 (off).
    if beta1 != -1.0:
        raise CommandError("optimizer_adafactor: PyTorch's Adafactor has no first-moment term; "
                           "beta1 must be -1")
    return torch.optim.Adafactor(ps, lr=lr, eps=(eps2, 1e-3), d=clip_threshold,
                                 beta2_decay=-0.8 if decay_rate == -1.0 else decay_rate,
                                 weight_decay=weight_decay)


optimizer("optimizer_adafactor", LR(0.8), P("eps2", FLOAT, 1e-30, check=non_negative),
          P("clip_threshold", FLOAT, 1.0, check=positive), P("decay_rate", FLOAT, -1.0),
          P("beta1", FLOAT, -1.0), WD(),
          forms=["parameters ?lr? ?eps2? ?clip_threshold? ?decay_rate? ?beta1? ?weight_decay?"],
          requirement=BASIC, build=_adafactor,
          doc="Adafactor (factored second moments), torch.optim.Adafactor.")

optimizer("optimizer_lamb", LR(0.001), *BETAS(0.9, 0.999), EPS(1e-6), WD(0.01),
          forms=["parameters ?lr? ?betas? ?eps? ?weight_decay?"], requirement=ADAM_LIKE,
          build=lambda ps, **kw: Lamb(ps, **_betas(kw)),
          doc="LAMB (layer-wise adaptive moments), an Adam direction scaled by a trust ratio.")

optimizer("optimizer_novograd", LR(0.001), *BETAS(0.95, 0.98), EPS(1e-8), WD(),
          forms=["parameters ?lr? ?betas? ?eps? ?weight_decay?"], requirement=ADAM_LIKE,
          build=lambda ps, **kw: NovoGrad(ps, **_betas(kw)),
          doc="NovoGrad (layer-wise normalised gradients with momentum).")


OPTIMIZER_P = P("optimizer", OPTIMIZER, aliases=("opt",))


def record_optimizer_lr(ctx, optimizer):
    """Telemetry: the learning rate of each parameter group at this optimizer step."""
    source = ctx.store.name_of(optimizer)
    ctx.telemetry.lrs(source, ctx.telemetry.next_step(source),
                      [g["lr"] for g in optimizer.param_groups])


@optim.command("optimizer_step", OPTIMIZER_P, P("closure", STRING, None), forms=["optimizer"],
               returns="OK")
def optimizer_step(ctx, optimizer, closure):
    """One update of the parameters from their gradients. -closure is a Tcl script that
    recomputes the loss (zero_grad, forward, backward) and returns the loss handle; L-BFGS needs
    it once there are gradients (without any, a step changes nothing, as with every optimizer)."""
    if closure is not None:
        optimizer.step(script_callback("-closure", lambda: ctx.tk.eval(closure),
                                       lambda result: ctx.store.get(result, "tensor")))
    elif not isinstance(optimizer, torch.optim.LBFGS):
        optimizer.step()
    elif any(p.grad is not None for g in optimizer.param_groups for p in g["params"]):
        raise CommandError("L-BFGS needs -closure: a script that recomputes the loss, calls "
                           "torch::tensor_backward on it and returns its handle")
    record_optimizer_lr(ctx, optimizer)
    return "OK"


@optim.command("optimizer_zero_grad", OPTIMIZER_P, P("set_to_none", BOOL, True), returns="OK")
def optimizer_zero_grad(optimizer, set_to_none):
    """Clear the gradients of the optimizer's parameters (to None by default, as PyTorch does)."""
    optimizer.zero_grad(set_to_none=set_to_none)
    return "OK"
