"""Every LR scheduler: 1000 steps driven from Tcl give its reference's LR sequence."""

import math

import pytest
import torch
from torch.optim import lr_scheduler as L

from torchtcl_kernel import TorchTcl

STEPS = 1000
BASE_LR = 0.1


def _formula(f):
    """A reference given as a closed formula: lr(t) for t = 0 (creation), 1, 2, ..."""
    return ("formula", f)


def _torch(build):
    return ("torch", build)


# Tcl arguments after the optimizer handle -> the reference the curve is checked against.
CASES = {
    "lr_scheduler_step": ("25 0.5", _torch(lambda o: L.StepLR(o, 25, 0.5))),
    "lr_scheduler_multi_step": ("{100 300 600} 0.3", _torch(lambda o: L.MultiStepLR(
        o, [100, 300, 600], 0.3))),
    "lr_scheduler_exponential": ("0.995", _torch(lambda o: L.ExponentialLR(o, 0.995))),
    "lr_scheduler_exponential_decay": ("-gamma 0.99", _torch(lambda o: L.ExponentialLR(o, 0.99))),
    "lr_scheduler_cosine": ("300 0.001", _torch(lambda o: L.CosineAnnealingLR(o, 300, 0.001))),
    "lr_scheduler_cosine_annealing": ("-tMax 500", _torch(lambda o: L.CosineAnnealingLR(o, 500))),
    "lr_scheduler_cosine_annealing_warm_restarts": ("50 2 0.0001", _torch(
        lambda o: L.CosineAnnealingWarmRestarts(o, 50, 2, 1e-4))),
    "lr_scheduler_cyclic": ("0.001 0.1 100 triangular2", _torch(lambda o: L.CyclicLR(
        o, 0.001, 0.1, step_size_up=100, mode="triangular2"))),
    "lr_scheduler_cyclic exp_range": ("-baseLr 0.001 -maxLr 0.1 -stepSize 60 -mode exp_range "
                                      "-gamma 0.999", _torch(lambda o: L.CyclicLR(
                                          o, 0.001, 0.1, step_size_up=60, mode="exp_range",
                                          gamma=0.999))),
    "lr_scheduler_lambda": ("0.999", _torch(lambda o: L.LambdaLR(o, lambda e: 0.999 ** e))),
    "lr_scheduler_lambda tcl": ("{epoch {expr {1.0 / (1.0 + 0.01 * $epoch)}}}", _torch(
        lambda o: L.LambdaLR(o, lambda e: 1.0 / (1.0 + 0.01 * e)))),
    "lr_scheduler_multiplicative": ("0.998", _torch(lambda o: L.MultiplicativeLR(
        o, lambda e: 0.998))),
    "lr_scheduler_one_cycle": ("0.5 1001",
                               _torch(lambda o: L.OneCycleLR(o, 0.5, total_steps=1001))),
    "lr_scheduler_onecycle_advanced": ("0.05 1001 0.25 linear 20.0 5000.0", _torch(
        lambda o: L.OneCycleLR(o, 0.05, total_steps=1001, pct_start=0.25,
                               anneal_strategy="linear", div_factor=20.0,
                               final_div_factor=5000.0))),
    "lr_scheduler_polynomial": ("800 2.0", _torch(lambda o: L.PolynomialLR(o, 800, 2.0))),
    "lr_scheduler_plateau": ("min 0.5 5", _torch(lambda o: L.ReduceLROnPlateau(o, "min", 0.5, 5))),
    "lr_scheduler_reduce_on_plateau": ("max 0.7 3 0.01 abs 0.001", _torch(
        lambda o: L.ReduceLROnPlateau(o, "max", 0.7, 3, threshold=0.01, threshold_mode="abs",
                                      min_lr=0.001))),
    "lr_scheduler_constant_with_warmup": ("100", _formula(
        lambda t: BASE_LR * (t / 100 if t < 100 else 1.0))),
    "lr_scheduler_linear_with_warmup": ("100 900", _formula(
        lambda t: BASE_LR * (t / 100 if t < 100 else max(0.0, (900 - t) / 800)))),
    "lr_scheduler_inverse_sqrt": ("200 0.8", _formula(
        lambda t: BASE_LR * 0.8 * (t / 200 if t < 200 else math.sqrt(200 / t)))),
    "lr_scheduler_noam": ("512 400", _formula(
        lambda t: 0.0 if t == 0 else 512 ** -0.5 * min(t ** -0.5, t * 400 ** -1.5))),
}


def _metric(t):
    """A validation curve that improves, stalls, improves a little, stalls: plateaus happen."""
    return 1.0 / (1 + min(t, 200) * 0.05) + (0.0005 * (t % 7) if t > 400 else 0.0)


def _tcl_curve(command, args):
    tcl = TorchTcl()
    w = torch.zeros(3, requires_grad=True)
    tcl.tk.call("set", "w", tcl.put(w))
    tcl.eval(f"set o [torch::optimizer_sgd [list $w] {BASE_LR} 0.9]")
    tcl.eval(f"set s [torch::{command} $o {args}]")
    metric = "[lindex $metrics $i]" if "plateau" in command else ""
    tcl.tk.call("set", "metrics", tuple(repr(_metric(t)) for t in range(STEPS)))
    out = tcl.eval(f"""
        set lrs [list [torch::get_lr $o]]
        for {{set i 0}} {{$i < {STEPS}}} {{incr i}} {{
            torch::lr_scheduler_step_advanced $s {metric}
            lappend lrs [torch::get_lr $o]
        }}
        set lrs""")
    assert tcl.eval("torch::get_lr_advanced $s") == tcl.eval("torch::get_lr $o")
    return [float(v) for v in out.split()]


def _reference_curve(kind, ref, plateau):
    if kind == "formula":
        return [ref(t) for t in range(STEPS + 1)]
    w = torch.zeros(3, requires_grad=True)
    opt = torch.optim.SGD([w], lr=BASE_LR, momentum=0.9)
    sched = ref(opt)
    lrs = [opt.param_groups[0]["lr"]]
    for t in range(STEPS):
        opt.step()                       # (no gradients: only keeps PyTorch's order check quiet)
        sched.step(_metric(t)) if plateau else sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    return lrs


@pytest.mark.parametrize("case", sorted(CASES))
def test_thousand_steps_match_the_reference(case):
    args, (kind, ref) = CASES[case]
    command = case.split()[0]
    got = _tcl_curve(command, args)
    want = _reference_curve(kind, ref, "plateau" in command)
    assert len(got) == len(want) == STEPS + 1
    for t, (a, b) in enumerate(zip(got, want, strict=True)):
        assert abs(a - b) <= 1e-12 * abs(b) or a == b, f"step {t}: {a} != {b}"
    assert len(set(got)) > 2, "the schedule never moved"


def test_inverse_sqrt_page_tables():
    """lr_scheduler_inverse_sqrt.md's two tables (initial_lr 0.001, warmup 4000, decay 1.0)."""
    tcl = TorchTcl()
    tcl.tk.call("set", "w", tcl.put(torch.zeros(2, requires_grad=True)))
    tcl.eval("set o [torch::optimizer_adam [list $w] 0.001]; "
             "set s [torch::lr_scheduler_inverse_sqrt $o 4000]")
    table = {0: 0.0, 1000: 0.00025, 2000: 0.0005, 4000: 0.001, 8000: 0.000707, 16000: 0.0005,
             32000: 0.000354}
    step = 0
    for target in sorted(table):
        tcl.eval(f"for {{set i {step}}} {{$i < {target}}} {{incr i}} "
                 "{torch::lr_scheduler_step_update $s}")
        step = target
        assert round(float(tcl.eval("torch::get_lr $o")), 6) == table[target], target


def test_step_has_two_uses(tcl):
    tcl("set o [torch::optimizer_sgd [list [torch::tensor_create {1.0} -requiresGrad 1]] 0.1]")
    assert tcl("set s [torch::lr_scheduler_step $o 2 0.5]") == "step_scheduler1"
    assert tcl("set n [torch::lrSchedulerStep -optimizer $o -stepSize 3]") == "step_scheduler2"
    tcl("torch::free $n")
    assert tcl("torch::lr_scheduler_step $s") == "OK"            # advances
    assert tcl("torch::lr_scheduler_step_update -scheduler $s") == "OK"
    assert float(tcl("torch::get_lr $o")) == 0.05
    assert tcl.error("torch::lr_scheduler_step $o").message.startswith(
        "Required parameters missing or invalid")
    assert tcl.error("torch::lr_scheduler_step nosuch 5").message == "Invalid optimizer name"


def test_scheduler_errors_use_the_reference_texts(tcl):
    tcl("set o [torch::optimizer_adam [list [torch::tensor_create {1.0} -requiresGrad 1]] 0.001]")
    cases = {
        "torch::lr_scheduler_inverse_sqrt nosuch 4000": "Invalid optimizer name",
        "torch::lr_scheduler_inverse_sqrt $o":
            "Usage: torch::lr_scheduler_inverse_sqrt optimizer warmup_steps ?decay_factor?",
        "torch::lr_scheduler_inverse_sqrt -optimizer $o":
            "Required parameters missing or invalid "
            "(optimizer handle and warmup_steps required...)",
        "torch::lr_scheduler_inverse_sqrt $o -1000":
            "Required parameters missing or invalid (warmup_steps must be positive...)",
        "torch::lr_scheduler_inverse_sqrt $o 0":
            "Required parameters missing or invalid (warmup_steps must be positive...)",
        "torch::lr_scheduler_inverse_sqrt $o 4000 -0.5":
            "Required parameters missing or invalid (decay_factor must be positive...)",
        "torch::lr_scheduler_inverse_sqrt -optimizer $o -warmupSteps 4000 -invalid_param value":
            "Unknown parameter: -invalid_param",
        "torch::lr_scheduler_cosine $o": "Invalid number of arguments",
        "torch::lr_scheduler_cosine $o not_a_number": "Invalid T_max value",
        "torch::lr_scheduler_cosine $o -5": "Required parameters missing or invalid",
        "torch::lr_scheduler_cosine $o 100 not_a_number": "Invalid eta_min value",
        "torch::lr_scheduler_exponential": "Required parameter missing: -optimizer",
        "torch::lr_scheduler_exponential $o -0.1": "Invalid gamma parameter (must be positive)",
        "torch::lr_scheduler_exponential_decay invalid_handle 0.95": "Invalid optimizer handle",
        "torch::lr_scheduler_exponential_decay $o 1.5":
            "Required parameters missing or invalid (gamma must be between 0 and 1)",
        "torch::lr_scheduler_exponential_decay -gamma 0.95":
            "Required parameters missing or invalid (optimizer handle required)",
        "torch::lr_scheduler_noam -optimizer $o": "Required parameter 'modelSize' is missing",
        "torch::lr_scheduler_noam -optimizer $o -modelSize 0": "modelSize must be positive",
        "torch::lr_scheduler_one_cycle $o":
            'wrong # args: should be "torch::lr_scheduler_one_cycle '
            'optimizer max_lr total_steps ?pct_start? ?anneal_strategy? ?div_factor?"',
        "torch::lr_scheduler_one_cycle invalid_handle 0.1 1000": "Invalid optimizer handle",
        "torch::lr_scheduler_multi_step -optimizer $o":
            "Required parameters missing: -optimizer and -milestones are required",
        "torch::lr_scheduler_constant_with_warmup -optimizer $o -numWarmupSteps -10":
            "Required parameters missing or invalid",
        "torch::lr_scheduler_step_update": "scheduler parameter is required",
        "torch::lr_scheduler_step_update nosuch": "Invalid scheduler name",
        "torch::lr_scheduler_step_advanced nosuch": "Invalid scheduler handle",
        "torch::get_lr invalid_optimizer": "Invalid optimizer name or could not get learning rate",
        "torch::get_lr -optimizer": "Missing value for parameter -optimizer",
        "torch::get_lr -unknownParam value":
            "Unknown parameter: -unknownParam. Valid parameters are: -optimizer",
        "torch::get_lr_advanced invalid_scheduler": "Invalid scheduler handle",
    }
    for script, message in cases.items():
        assert tcl.error(script).message == message, script
    tcl("set p [torch::lr_scheduler_plateau -optimizer $o -mode max -factor 0.5 -patience 2]")
    assert "steps on a metric" in tcl.error("torch::lr_scheduler_step_update $p").message
