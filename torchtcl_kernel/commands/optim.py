"""Optimizers (torch.optim, plus LAMB and NovoGrad which it lacks) and stepping them.

Each optimizer command is one declaration: its parameters (the reference's names, defaults and
positional order, with PyTorch's further options as named extras) and how they map onto the
optimizer class.
"""

import torch

from ..core.errors import CommandError
from ..core.registry import REQUIRED, Family, param
from ..core.types import (
    BOOL,
    FLOAT,
    FLOAT_PAIR,
    INT,
    PARAMS,
    Choice,
    Script,
    script_callback,
)
from .common import has_gradients, non_negative, optimizer_param, positive
from .extra_optimizers import Lamb, NovoGrad, SparseAdamL2

optim = Family("optim")


def unit(v):
    return 0 <= v < 1


def lr_param(default=REQUIRED, check_msg=None):
    return param("lr", FLOAT, default, aliases=("learningRate",), check=positive,
                 check_msg=check_msg)


def eps_param(default):
    return param("eps", FLOAT, default, aliases=("epsilon",), check=non_negative)


def weight_decay_param(default=0.0):
    return param("weight_decay", FLOAT, default, check=non_negative)


def beta_params(beta1, beta2):
    """-beta1/-beta2 by name; positionally some pages take them as one list, `betas`."""
    return (param("betas", FLOAT_PAIR, None, check=lambda b: all(unit(x) for x in b)),
            param("beta1", FLOAT, beta1, check=unit), param("beta2", FLOAT, beta2, check=unit))


def _betas(kw):
    pair = kw.pop("betas", None) or (kw.pop("beta1"), kw.pop("beta2"))
    kw.pop("beta1", None)
    kw.pop("beta2", None)
    kw["betas"] = pair
    return kw


INVALID = "Required parameters missing or invalid"
# The reference's texts differ between optimizers (errata.md): a dangling option, and a positional
# call short of its required words.
PAIRS = {"no_value": "Named parameters must come in pairs"}
USAGE = {"missing_positional": "Usage: {usage}"}


def requirement_text(requirement):
    return f"{INVALID} ({requirement})" if requirement else INVALID


def optimizer(name, *params, build, forms, requirement, doc, errors=None, aliases=()):
    """Declare an optimizer command. build(parameters, **options) -> torch.optim.Optimizer.
    `requirement` words the error for a missing or out-of-range value (None: the bare text);
    `errors` overrides any other text."""
    text = requirement_text(requirement)

    def create(parameters, **options):
        return build(parameters, **options)
    create.__doc__ = doc
    optim.command(name, param("parameters", PARAMS, aliases=("params",)), *params, forms=forms,
                  aliases=aliases, errors={"missing": text, "check": text, **(errors or {})},
                  returns="optimizer handle")(create)


BASIC = "parameters and positive learning rate required"
ADAM_LIKE = (BASIC + ", beta values must be in [0,1), weight_decay must be non-negative")
ADAM_EPS = BASIC + ", beta values must be in [0,1), eps and weight_decay must be non-negative"
POSITIVE_VALUES = ("parameters and positive values required for lr, valid beta values between "
                   "0-1, positive eps, non-negative weight decay")
NESTEROV = requirement_text(BASIC + ", Nesterov momentum needs a positive momentum and zero "
                                    "dampening")


def _sgd(ps, nesterov, momentum, dampening, **kw):
    # The reference words this as its other argument errors, not as PyTorch's ValueError.
    if nesterov and (momentum <= 0 or dampening != 0):
        raise CommandError(NESTEROV)
    return torch.optim.SGD(ps, nesterov=nesterov, momentum=momentum, dampening=dampening, **kw)


optimizer("optimizer_sgd", lr_param(0.01), param("momentum", FLOAT, 0.0, check=non_negative),
          param("dampening", FLOAT, 0.0, check=non_negative), weight_decay_param(),
          param("nesterov", BOOL, False), param("maximize", BOOL, False),
          forms=["parameters lr ?momentum? ?dampening? ?weight_decay? ?nesterov?"],
          requirement=BASIC, build=_sgd,
          doc="Stochastic gradient descent, torch.optim.SGD (momentum and Nesterov optional).")

optimizer("optimizer_momentum_sgd", lr_param(), param("momentum", FLOAT, check=non_negative),
          weight_decay_param(), param("dampening", FLOAT, 0.0, check=non_negative),
          param("nesterov", BOOL, False),
          forms=["parameters lr momentum ?weight_decay?"],
          requirement=BASIC + ", momentum must be non-negative", build=_sgd, errors=USAGE,
          doc="SGD with momentum (torch.optim.SGD with the momentum term required).")

optimizer("optimizer_adam", lr_param(), *beta_params(0.9, 0.999), weight_decay_param(),
          eps_param(1e-8), param("amsgrad", BOOL, False),
          forms=["parameters lr ?beta1? ?beta2? ?weight_decay?"], requirement=ADAM_LIKE,
          errors={**PAIRS, **USAGE}, build=lambda ps, **kw: torch.optim.Adam(ps, **_betas(kw)),
          doc="Adam, torch.optim.Adam.")

optimizer("optimizer_adamw", lr_param(), weight_decay_param(0.01), *beta_params(0.9, 0.999),
          eps_param(1e-8), param("amsgrad", BOOL, False, invalid="Invalid amsgrad value"),
          forms=["parameters lr ?weight_decay?"], requirement=ADAM_LIKE, errors={**PAIRS, **USAGE},
          aliases=("optimizerAdamW",),  # as the pages spell it, besides optimizerAdamw
          build=lambda ps, **kw: torch.optim.AdamW(ps, **_betas(kw)),
          doc="AdamW (Adam with decoupled weight decay), torch.optim.AdamW.")

optimizer("optimizer_adamax", lr_param(0.002), *beta_params(0.9, 0.999), eps_param(1e-8),
          weight_decay_param(),
          forms=["parameters ?lr? ?betas? ?eps? ?weight_decay?"], requirement=ADAM_EPS,
          errors=PAIRS, build=lambda ps, **kw: torch.optim.Adamax(ps, **_betas(kw)),
          doc="Adamax (Adam with the infinity norm), torch.optim.Adamax.")

optimizer("optimizer_adagrad", lr_param(), eps_param(1e-10),
          param("lr_decay", FLOAT, 0.0, check=non_negative),
          weight_decay_param(), param("initial_accumulator_value", FLOAT, 0.0, check=non_negative),
          forms=["parameters lr ?eps?"], requirement=BASIC, errors={**PAIRS, **USAGE},
          build=torch.optim.Adagrad,
          doc="Adagrad, torch.optim.Adagrad.")

optimizer("optimizer_rmsprop", lr_param(), param("alpha", FLOAT, 0.99, check=non_negative),
          eps_param(1e-8), weight_decay_param(), param("momentum", FLOAT, 0.0, check=non_negative),
          param("centered", BOOL, False),
          forms=["parameters lr ?alpha? ?eps?"], requirement=BASIC, errors=USAGE,
          build=torch.optim.RMSprop,
          doc="RMSprop, torch.optim.RMSprop.")


def _rprop(ps, etas, step_sizes, eta_minus, eta_plus, step_size_min, step_size_max, **kw):
    return torch.optim.Rprop(ps, etas=etas or (eta_minus, eta_plus),
                             step_sizes=step_sizes or (step_size_min, step_size_max), **kw)


optimizer("optimizer_rprop", lr_param(0.01), param("etas", FLOAT_PAIR, None),
          param("step_sizes", FLOAT_PAIR, None), param("eta_minus", FLOAT, 0.5, check=positive),
          param("eta_plus", FLOAT, 1.2, check=positive),
          param("step_size_min", FLOAT, 1e-6, check=non_negative),
          param("step_size_max", FLOAT, 50.0, check=positive),
          forms=["parameters ?lr? ?etas? ?step_sizes?"], requirement=None, build=_rprop,
          doc="Rprop (resilient backpropagation), torch.optim.Rprop.")

optimizer("optimizer_radam", lr_param(0.001), *beta_params(0.9, 0.999), eps_param(1e-8),
          weight_decay_param(),
          param("decoupled_weight_decay", BOOL, False),
          forms=["parameters ?lr? ?betas? ?eps? ?weight_decay?"], requirement=None, errors=PAIRS,
          aliases=("optimizerRAdam",),  # as its page spells it, besides optimizerRadam
          build=lambda ps, **kw: torch.optim.RAdam(ps, **_betas(kw)),
          doc="RAdam (rectified Adam), torch.optim.RAdam.")

optimizer("optimizer_nadam", lr_param(0.002), *beta_params(0.9, 0.999), eps_param(1e-8),
          weight_decay_param(),
          param("momentum_decay", FLOAT, 0.004, check=non_negative),
          param("decoupled_weight_decay", BOOL, False),
          forms=["parameters ?lr? ?betas? ?eps? ?weight_decay? ?momentum_decay?"],
          requirement=POSITIVE_VALUES + " and momentum decay", errors=PAIRS,
          build=lambda ps, **kw: torch.optim.NAdam(ps, **_betas(kw)),
          doc="NAdam (Adam with Nesterov momentum), torch.optim.NAdam.")


def _lbfgs(ps, line_search_fn, **kw):
    return torch.optim.LBFGS(ps, line_search_fn=None if line_search_fn == "none"
                             else line_search_fn, **kw)


optimizer("optimizer_lbfgs", lr_param(1.0), param("max_iter", INT, 20, check=positive),
          param("max_eval", INT, 25, check=positive), param("tolerance_grad", FLOAT, 1e-7),
          param("tolerance_change", FLOAT, 1e-9), param("history_size", INT, 100, check=positive),
          param("line_search_fn", Choice("none", "strong_wolfe"), "none"),
          forms=["parameters ?lr? ?max_iter? ?max_eval? ?tolerance_grad? ?tolerance_change?"],
          requirement="parameters and positive values required for lr, maxIter, maxEval, "
                      "toleranceGrad, toleranceChange",
          errors=PAIRS, build=_lbfgs,
          doc="L-BFGS, torch.optim.LBFGS. Step it with "
              "`torch::optimizer_step $opt -closure SCRIPT`.")


def _sparse_adam(ps, weight_decay, **kw):
    if weight_decay:        # torch.optim.SparseAdam has no weight decay: L2 added to the gradient
        return SparseAdamL2(ps, weight_decay=weight_decay, **_betas(kw))
    return torch.optim.SparseAdam(ps, **_betas(kw))


SPARSE_ADAM_USAGE = (
    "Usage: torch::optimizer_sparse_adam parameters ?lr? ?beta1? ?beta2? ?eps? ?weightDecay? | "
    "torch::optimizer_sparse_adam -parameters value ?-lr value? ?-beta1 value? ?-beta2 value? "
    "?-eps value? ?-weightDecay value?")


optimizer("optimizer_sparse_adam", lr_param(0.001), *beta_params(0.9, 0.999), eps_param(1e-8),
          weight_decay_param(),
          forms=["parameters ?lr? ?beta1? ?beta2? ?eps? ?weight_decay?"],
          requirement=POSITIVE_VALUES, errors={"missing": SPARSE_ADAM_USAGE}, build=_sparse_adam,
          doc="SparseAdam (for sparse gradients), torch.optim.SparseAdam. A weightDecay adds L2 "
              "decay (weightDecay x the parameter) to each sparse gradient, on its own indices.")


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


optimizer("optimizer_adafactor", lr_param(0.8, check_msg="Invalid learning rate: {value}"),
          param("eps2", FLOAT, 1e-30, check=non_negative),
          param("clip_threshold", FLOAT, 1.0, check=positive), param("decay_rate", FLOAT, -1.0),
          param("beta1", FLOAT, -1.0), weight_decay_param(),
          forms=["parameters ?lr? ?eps2? ?clip_threshold? ?decay_rate? ?beta1? ?weight_decay?"],
          requirement=BASIC, errors={"missing": "Required parameters missing"}, build=_adafactor,
          doc="Adafactor (factored second moments), torch.optim.Adafactor.")

optimizer("optimizer_lamb", lr_param(0.001), *beta_params(0.9, 0.999), eps_param(1e-6),
          weight_decay_param(0.01),
          forms=["parameters ?lr? ?betas? ?eps? ?weight_decay?"], requirement=ADAM_EPS,
          errors=PAIRS, build=lambda ps, **kw: Lamb(ps, **_betas(kw)),
          doc="LAMB (layer-wise adaptive moments), an Adam direction scaled by a trust ratio.")

optimizer("optimizer_novograd", lr_param(0.001), *beta_params(0.95, 0.98), eps_param(1e-8),
          weight_decay_param(),
          forms=["parameters ?lr? ?betas? ?eps? ?weight_decay?"], requirement=POSITIVE_VALUES,
          errors=PAIRS, build=lambda ps, **kw: NovoGrad(ps, **_betas(kw)),
          doc="NovoGrad (layer-wise normalised gradients with momentum).")


OPTIMIZER_P = optimizer_param("Invalid optimizer handle")
STEP_ERRORS = {"missing": "Required parameters missing: optimizer handle required"}


def record_optimizer_lr(ctx, optimizer):
    """Telemetry: the learning rate of each parameter group at this optimizer step."""
    ctx.telemetry.optimizer_step(ctx.store.name_of(optimizer), optimizer.param_groups)


@optim.command("optimizer_step", OPTIMIZER_P, param("closure", Script(), None), forms=["optimizer"],
               errors=STEP_ERRORS, returns="OK")
def optimizer_step(ctx, optimizer, closure):
    """One update of the parameters from their gradients. -closure is a Tcl script that
    recomputes the loss (zero_grad, forward, backward) and returns the loss handle; L-BFGS needs
    it once there are gradients (without any, a step changes nothing, as with every optimizer)."""
    if closure is not None:
        optimizer.step(script_callback("-closure", lambda: ctx.tk.eval(closure),
                                       lambda result: ctx.store.get(result, "tensor")))
    elif not isinstance(optimizer, torch.optim.LBFGS):
        optimizer.step()
    elif has_gradients(optimizer):
        raise CommandError("L-BFGS needs -closure: a script that recomputes the loss, calls "
                           "torch::tensor_backward on it and returns its handle")
    record_optimizer_lr(ctx, optimizer)
    return "OK"


@optim.command("optimizer_zero_grad", OPTIMIZER_P,
               param("set_to_none", BOOL, True, invalid="Invalid set_to_none value"),
               errors=STEP_ERRORS, returns="OK")
def optimizer_zero_grad(optimizer, set_to_none):
    """Clear the gradients of the optimizer's parameters (to None by default, as PyTorch does)."""
    optimizer.zero_grad(set_to_none=set_to_none)
    return "OK"
