"""Every (a), (a') and (b) line of the spec's errata.md: what the reference extension returns where
its pages are silent, and where the project follows the reference rather than a page.

Each row runs in a fresh interpreter where $p is a parameter tensor, $opt an SGD optimizer on it and
$s a grad scaler; `test_opt` names no handle. `ERRATA` keys each row to its errata.md line.
"""

import re

import pytest
import torch

SETUP = ("set p [torch::tensor_create -data {1.0 2.0} -requiresGrad true]; "
         "set opt [torch::optimizer_sgd [list $p] 0.1]; set s [torch::grad_scaler_new]")

# How a row's expectation is checked against the result or the error message.
RESULT, HANDLE, CONTAINS, EXACT, PREFIX = "result", "handle", "contains", "exact", "prefix"

ADAM_EPS = ("Required parameters missing or invalid (parameters and positive learning rate "
            "required, beta values must be in [0,1), eps and weight_decay must be non-negative)")
NADAM = ("Required parameters missing or invalid (parameters and positive values required for lr, "
         "valid beta values between 0-1, positive eps, non-negative weight decay and momentum "
         "decay)")
NOVOGRAD = ("Required parameters missing or invalid (parameters and positive values required for "
            "lr, valid beta values between 0-1, positive eps, non-negative weight decay)")
LBFGS = ("Required parameters missing or invalid (parameters and positive values required for lr, "
         "maxIter, maxEval, toleranceGrad, toleranceChange)")
SPARSE_ADAM_USAGE = (
    "Usage: torch::optimizer_sparse_adam parameters ?lr? ?beta1? ?beta2? ?eps? ?weightDecay? | "
    "torch::optimizer_sparse_adam -parameters value ?-lr value? ?-beta1 value? ?-beta2 value? "
    "?-eps value? ?-weightDecay value?")
P = "[list $p]"

ERRATA = {
    # --- AMP ---
    "amp: grad_scaler_update returns `scaler updated`": [
        ("torch::grad_scaler_update $s", RESULT, "scaler updated"),
        ("torch::gradScalerUpdate $s", RESULT, "scaler updated"),
        ("torch::grad_scaler_update -scaler $s", RESULT, "scaler updated"),
        ("torch::gradScalerUpdate -gradScaler $s", RESULT, "scaler updated"),
    ],
    "amp: grad_scaler_update with no arguments": [
        ("torch::grad_scaler_update", CONTAINS, "Usage: torch::grad_scaler_update scaler"),
    ],
    "amp: grad_scaler_scale with one positional": [
        ("torch::grad_scaler_scale $s", CONTAINS, "Usage: torch::grad_scaler_scale scaler tensor"),
    ],
    "amp: grad_scaler_step with one positional": [
        ("torch::grad_scaler_step $s", CONTAINS, "Usage: torch::grad_scaler_step scaler optimizer"),
    ],
    "amp (c): grad_scaler_get_scale with no args keeps the page's text": [
        ("torch::grad_scaler_get_scale", CONTAINS, "Usage: torch::grad_scaler_get_scale scaler"),
    ],
    # --- Optimizers ---
    "optim: alias optimizerAdamW": [
        (f"torch::optimizerAdamW {P} 0.01", HANDLE, r"optimizer\d+"),
        (f"torch::optimizerAdamw {P} 0.01", HANDLE, r"optimizer\d+"),
    ],
    "optim: alias optimizerRAdam": [
        (f"torch::optimizerRAdam {P} 0.01", HANDLE, r"optimizer\d+"),
        (f"torch::optimizerRadam {P} 0.01", HANDLE, r"optimizer\d+"),
    ],
    "optim: sparse_adam accepts a weight decay": [
        (f"torch::optimizer_sparse_adam {P} 0.001 0.9 0.999 1e-8 0.01", HANDLE, r"optimizer\d+"),
        (f"torch::optimizer_sparse_adam -parameters {P} -weightDecay 0.01", HANDLE,
         r"optimizer\d+"),
    ],
    "optim: a dangling option": [
        *[(f"torch::optimizer_{name} {args}", EXACT, "Named parameters must come in pairs")
          for name in ("adam", "adagrad", "adamw", "adamax", "lamb", "lbfgs", "nadam", "novograd",
                       "radam")
          for args in ("-lr", "-parameters", f"-parameters {P} -lr")],
        *[(f"torch::optimizer_{name} {args}", CONTAINS, "Missing value for parameter")
          for name in ("rprop", "sparse_adam", "adafactor")
          for args in ("-lr", "-parameters", f"-parameters {P} -lr")],
    ],
    "optim: a positional call short of its words": [
        *[(f"torch::optimizer_{name} {P}", PREFIX, f"Usage: torch::optimizer_{name}")
          for name in ("adam", "adagrad", "adamw", "rmsprop")],
        (f"torch::optimizer_momentum_sgd {P} 0.1", PREFIX, "Usage: torch::optimizer_momentum_sgd"),
    ],
    "optim: an empty parameter list": [
        (f"torch::optimizer_{name} {{}} 0.001", CONTAINS, "Required parameters missing")
        for name in ("adam", "adagrad", "adamw")
    ],
    "optim: adamw -amsgrad not a boolean": [
        (f"torch::optimizer_adamw {P} 0.01 -amsgrad maybe", CONTAINS, "Invalid amsgrad value"),
        (f"torch::optimizer_adamw -parameters {P} -amsgrad maybe", CONTAINS,
         "Invalid amsgrad value"),
    ],
    "optim: exact texts for no args or a negative -lr": [
        *[(f"torch::optimizer_{name}{args}", EXACT, text)
          for name, text in (("adamax", ADAM_EPS), ("lamb", ADAM_EPS), ("nadam", NADAM),
                             ("novograd", NOVOGRAD), ("lbfgs", LBFGS),
                             ("radam", "Required parameters missing or invalid"),
                             ("rprop", "Required parameters missing or invalid"))
          for args in ("", f" -parameters {P} -lr -1")],
        (f"torch::optimizer_sparse_adam -parameters {P} -lr -1", EXACT, NOVOGRAD),
        ("torch::optimizer_adafactor", EXACT, "Required parameters missing"),
        (f"torch::optimizer_adafactor -parameters {P} -lr -1", PREFIX, "Invalid learning rate: -1"),
        ("torch::optimizer_sparse_adam", EXACT, SPARSE_ADAM_USAGE),
    ],
    "optim: sgd -nesterov true without momentum or with dampening": [
        (f"torch::optimizer_sgd -parameters {P} -lr 0.1 -nesterov true", CONTAINS,
         "Required parameters missing"),
        (f"torch::optimizer_sgd -parameters {P} -lr 0.1 -momentum 0.9 -dampening 0.1 "
         "-nesterov true", CONTAINS, "Required parameters missing"),
        (f"torch::optimizer_sgd {P} 0.1 0 0 0 true", CONTAINS, "Required parameters missing"),
    ],
    "optim: optimizer_step and optimizer_zero_grad with no optimizer": [
        (script, CONTAINS, "Required parameters missing")
        for script in ("torch::optimizer_step", "torch::optimizer_zero_grad",
                       "torch::optimizer_step -closure {}",
                       "torch::optimizer_zero_grad -setToNone 1")
    ],
    "optim: an unknown optimizer handle": [
        (f"torch::{name} {args}", CONTAINS, "Invalid optimizer handle")
        for name in ("optimizer_step", "optimizer_zero_grad")
        for args in ("test_opt", "-optimizer test_opt")
    ],
    "optim: optimizer_zero_grad set_to_none not a boolean": [
        ("torch::optimizer_zero_grad $opt maybe", CONTAINS, "Invalid set_to_none"),
        ("torch::optimizer_zero_grad -optimizer $opt -setToNone maybe", CONTAINS,
         "Invalid set_to_none"),
    ],
    # --- LR schedulers ---
    "sched: exponential_decay handles are scheduler<N>": [
        ("list [torch::lr_scheduler_exponential_decay $opt] "
         "[torch::lr_scheduler_exponential_decay -optimizer $opt -gamma 0.9]", RESULT,
         "scheduler1 scheduler2"),
    ],
    "sched: constant_with_warmup handles, and a warmup of 0": [
        ("torch::lr_scheduler_constant_with_warmup $opt 10", HANDLE,
         r"constant_warmup_scheduler_\d+"),
        ("torch::lr_scheduler_constant_with_warmup $opt 0", HANDLE,
         r"constant_warmup_scheduler_\d+"),
        ("torch::lr_scheduler_constant_with_warmup -optimizer $opt -numWarmupSteps 0", HANDLE,
         r"constant_warmup_scheduler_\d+"),
        ("torch::lr_scheduler_constant_with_warmup $opt -1", CONTAINS,
         "Required parameters missing or invalid"),
    ],
    "sched: constant_with_warmup accepts a negative -lastEpoch": [
        ("torch::lr_scheduler_constant_with_warmup -optimizer $opt -numWarmupSteps 10 "
         "-lastEpoch -100", HANDLE, r"constant_warmup_scheduler_\d+"),
    ],
    "sched: linear_with_warmup handles": [
        ("torch::lr_scheduler_linear_with_warmup $opt 10 100", HANDLE,
         r"linear_warmup_scheduler\d*"),
    ],
    "sched: polynomial accepts a negative -lastEpoch": [
        ("torch::lr_scheduler_polynomial -optimizer $opt -totalIters 100 -lastEpoch -100", HANDLE,
         r"polynomial_scheduler\d+"),
    ],
    "sched: plateau schedulers accept -factor 1.0": [
        (f"torch::lr_scheduler_{name} -optimizer $opt -factor 1.0", HANDLE, rf"{name}_scheduler\d+")
        for name in ("plateau", "reduce_on_plateau")
    ],
    "sched: multi_step texts for a bad gamma or milestone": [
        ("torch::lr_scheduler_multi_step -optimizer $opt -milestones {1 2} -gamma abc", CONTAINS,
         "Invalid gamma value"),
        ("torch::lr_scheduler_multi_step $opt {1 2} abc", CONTAINS, "Invalid gamma value"),
        ("torch::lr_scheduler_multi_step -optimizer $opt -milestones {1 x}", CONTAINS,
         "Invalid milestone value"),
        ("torch::lr_scheduler_multi_step $opt {1 2.5}", CONTAINS, "Invalid milestone value"),
    ],
    "sched: multiplicative texts": [
        ("torch::lr_scheduler_multiplicative -optimizer $opt -lrLambda abc", CONTAINS,
         "Invalid lr_lambda value"),
        ("torch::lr_scheduler_multiplicative $opt abc", CONTAINS, "Invalid lr_lambda value"),
        ("torch::lr_scheduler_multiplicative $opt", CONTAINS,
         "Usage: torch::lr_scheduler_multiplicative optimizer lr_lambda"),
    ],
    "sched: multi_step and multiplicative check every word before the optimizer": [
        ("torch::lr_scheduler_multi_step test_opt {1 2} 0.1 extra", PREFIX,
         "Usage: torch::lr_scheduler_multi_step"),
        ("torch::lr_scheduler_multi_step -optimizer test_opt -bogus 1 -gamma", CONTAINS,
         "Missing value for parameter"),
        ("torch::lr_scheduler_multi_step -optimizer test_opt -gamma abc -bogus 1", CONTAINS,
         "Unknown parameter: -bogus"),
        ("torch::lr_scheduler_multi_step -optimizer test_opt -milestones {1 2} -gamma abc",
         CONTAINS, "Invalid gamma value"),
        ("torch::lr_scheduler_multi_step -optimizer test_opt -gamma 0.5", CONTAINS,
         "Required parameters missing"),
        ("torch::lr_scheduler_multi_step -optimizer test_opt -milestones {1 2}", CONTAINS,
         "Invalid optimizer name"),
        ("torch::lr_scheduler_multi_step -optimizer test_opt -milestones {1 2} -gamma -0.5",
         CONTAINS, "Invalid optimizer name"),
        ("torch::lr_scheduler_multi_step -optimizer $opt -milestones {1 2} -gamma -0.5",
         CONTAINS, "Required parameters missing or invalid"),
        ("torch::lr_scheduler_multiplicative test_opt 0.9 extra", PREFIX,
         "Usage: torch::lr_scheduler_multiplicative"),
        ("torch::lr_scheduler_multiplicative -optimizer test_opt -bogus 1 -lrLambda", CONTAINS,
         "Missing value for parameter"),
        ("torch::lr_scheduler_multiplicative -optimizer test_opt -lrLambda abc -bogus 1",
         CONTAINS, "Unknown parameter: -bogus"),
        ("torch::lr_scheduler_multiplicative -optimizer test_opt -lrLambda abc", CONTAINS,
         "Invalid lr_lambda value"),
        ("torch::lr_scheduler_multiplicative test_opt abc", CONTAINS, "Invalid lr_lambda value"),
        ("torch::lr_scheduler_multiplicative -optimizer test_opt", CONTAINS,
         "Required parameters missing"),
        ("torch::lr_scheduler_multiplicative test_opt -0.5", CONTAINS, "Invalid optimizer name"),
        ("torch::lr_scheduler_multiplicative -optimizer test_opt -lrLambda 0.9", CONTAINS,
         "Invalid optimizer name"),
    ],
    "sched: multi_step usage, milestones list, empty milestones": [
        ("torch::lr_scheduler_multi_step test_opt", PREFIX,
         "Usage: torch::lr_scheduler_multi_step"),
        ('torch::lr_scheduler_multi_step -optimizer $opt -milestones "{bad"', CONTAINS,
         "Invalid milestones list"),
        ("torch::lr_scheduler_multi_step -optimizer $opt -milestones {}", CONTAINS,
         "Required parameters missing"),
    ],
    "sched: onecycle_advanced checks the word count before the optimizer": [
        ("torch::lr_scheduler_onecycle_advanced test_opt 0.1", PREFIX,
         'wrong # args: should be "torch::lr_scheduler_onecycle_advanced optimizer max_lr'),
        ("torch::lr_scheduler_onecycle_advanced test_opt 0.1 100 0.3 cos 25 1e4 extra", PREFIX,
         'wrong # args: should be "torch::lr_scheduler_onecycle_advanced optimizer max_lr'),
        ("torch::lr_scheduler_onecycle_advanced $opt", PREFIX,
         'wrong # args: should be "torch::lr_scheduler_onecycle_advanced optimizer max_lr'),
        ('torch::lr_scheduler_onecycle_advanced "invalid_handle" 0.1 1000', CONTAINS,
         "Invalid optimizer name"),
    ],
    "sched: exponential_decay texts": [
        ("torch::lr_scheduler_exponential_decay $opt abc", CONTAINS, "Invalid gamma value"),
        ("torch::lr_scheduler_exponential_decay -optimizer $opt -gamma abc", CONTAINS,
         "Invalid gamma value"),
        ("torch::lr_scheduler_exponential_decay -optimizer $opt -gamma", CONTAINS,
         "Named parameters must be in pairs"),
    ],
    "sched: inverse_sqrt texts": [
        ("torch::lr_scheduler_inverse_sqrt $opt 1.5", CONTAINS, "Invalid warmup_steps value"),
        ("torch::lr_scheduler_inverse_sqrt -optimizer $opt -warmupSteps x", CONTAINS,
         "Invalid warmup_steps value"),
        ("torch::lr_scheduler_inverse_sqrt $opt 100 abc", CONTAINS, "Invalid decay_factor value"),
        ("torch::lr_scheduler_inverse_sqrt -optimizer $opt -warmupSteps 100 -decayFactor abc",
         CONTAINS, "Invalid decay_factor value"),
        ("torch::lr_scheduler_inverse_sqrt -optimizer $opt -warmupSteps", CONTAINS,
         "Named parameters must be in pairs"),
    ],
    "sched: lr_scheduler_step range texts": [
        ("torch::lr_scheduler_step $opt 0 0.5", CONTAINS, "stepSize must be positive"),
        ("torch::lr_scheduler_step $opt 10 -0.1", CONTAINS, "gamma must be positive"),
    ],
    "sched: lr_scheduler_step_advanced with no args": [
        ("torch::lr_scheduler_step_advanced", CONTAINS, "scheduler"),
    ],
}

ROWS = [pytest.param(script, how, expected, id=f"{line} | {script}")
        for line, rows in ERRATA.items() for script, how, expected in rows]


def test_every_errata_line_has_rows():
    # errata.md has 4 + 12 + 15 lines of class (a), (a') or (b); one more (c) line is kept here.
    assert len(ERRATA) == 31 + 1 and all(ERRATA.values())


@pytest.mark.parametrize("script, how, expected", ROWS)
def test_errata(tcl, script, how, expected):
    tcl(SETUP)
    if how in (RESULT, HANDLE):
        result = tcl(script)
        if how == RESULT:
            assert result == expected
        else:
            assert re.fullmatch(expected, result), result
        return
    message = tcl.error(script).message
    if how == EXACT:
        assert message == expected
    elif how == PREFIX:
        assert message.startswith(expected), message
    else:
        assert expected in message, message


def test_sparse_adam_weight_decay_is_l2_on_the_gradients_rows(tcl):
    """The decay is weight_decay x param added to the sparse gradient at its indices, then
    torch.optim.SparseAdam's own step: checked against SparseAdam fed that gradient by hand."""
    wd, lr = 0.1, 0.05
    g = torch.Generator().manual_seed(0)
    w0 = torch.randn(6, 3, generator=g)
    w = w0.clone().requires_grad_()
    tcl(f"set w {tcl.interp.put(w)}")
    tcl(f"set opt [torch::optimizer_sparse_adam [list $w] {lr} 0.9 0.999 1e-8 {wd}]")
    ref = w0.clone().requires_grad_()
    ref_opt = torch.optim.SparseAdam([ref], lr=lr)

    def sparse(rows, values):
        return torch.sparse_coo_tensor(rows, values, (6, 3), check_invariants=True)

    grads = []
    for step in range(5):
        rows = torch.tensor([[step % 3, (step + 1) % 3, 5, 5]])     # row 5 twice
        values = torch.randn(4, 3, generator=g)
        grads.append((rows, values))
        w.grad = sparse(rows, values)
        tcl("torch::optimizer_step $opt")
        # by hand: each of the gradient's rows (a repeated index summed first) gets wd x param
        # added once; no other row changes
        summed = sparse(rows, values).coalesce()
        ref.grad = sparse(summed.indices(),
                          summed.values() + wd * ref.detach()[summed.indices()[0]])
        ref_opt.step()
        # the gradient is left as the backward pass made it
        assert torch.equal(w.grad.to_dense(), sparse(rows, values).to_dense())
        assert torch.equal(w.detach(), ref.detach()), step
    untouched = [3, 4]       # never among the gradient's rows: neither decayed nor stepped
    assert torch.equal(w.detach()[untouched], w0[untouched])
    # the decay matters here: SparseAdam without it, fed the same gradients, ends elsewhere
    plain = w0.clone().requires_grad_()
    plain_opt = torch.optim.SparseAdam([plain], lr=lr)
    for rows, values in grads:
        plain.grad = sparse(rows, values)
        plain_opt.step()
    assert not torch.allclose(plain.detach(), w.detach())


@pytest.mark.parametrize("command", ["lr_scheduler_plateau", "lr_scheduler_reduce_on_plateau"])
def test_plateau_factor_one_never_reduces(tcl, command):
    """-factor 1.0 keeps PyTorch's ReduceLROnPlateau (built with a factor it accepts, then given
    1.0): a metric that never improves reaches patience many times, and the LR stays."""
    tcl(SETUP)
    tcl(f"set sch [torch::{command} -optimizer $opt -factor 1.0 -patience 1]")
    for _ in range(20):
        tcl("torch::lr_scheduler_step_advanced $sch 5.0")
    assert float(tcl("torch::get_lr $opt")) == pytest.approx(0.1)
    plateau = tcl.interp.store.get(tcl("set sch"), "scheduler").torch
    assert type(plateau) is torch.optim.lr_scheduler.ReduceLROnPlateau and plateau.factor == 1.0
    # the same steps with factor 0.5 do reduce: the metric above really is a plateau
    tcl(f"set sch2 [torch::{command} -optimizer $opt -factor 0.5 -patience 1]")
    for _ in range(20):
        tcl("torch::lr_scheduler_step_advanced $sch2 5.0")
    assert float(tcl("torch::get_lr $opt")) < 0.1


def test_constant_with_warmup_zero_and_negative_last_epoch(tcl):
    """Warmup 0 is the constant LR from the start; a negative lastEpoch only delays it (LR 0
    before step 0, never negative)."""
    tcl(SETUP)
    tcl("set sch [torch::lr_scheduler_constant_with_warmup $opt 0]")
    lrs = [float(tcl("torch::get_lr $opt"))]
    for _ in range(3):
        tcl("torch::lr_scheduler_step_update $sch")
        lrs.append(float(tcl("torch::get_lr $opt")))
    assert lrs == [pytest.approx(0.1)] * 4
    tcl("set o2 [torch::optimizer_sgd [list $p] 0.1]")
    tcl("set sch [torch::lr_scheduler_constant_with_warmup -optimizer $o2 -numWarmupSteps 0 "
        "-lastEpoch -3]")
    seen = [float(tcl("torch::get_lr $o2"))]
    for _ in range(3):
        tcl("torch::lr_scheduler_step_update $sch")
        seen.append(float(tcl("torch::get_lr $o2")))
    assert seen == [0.0, 0.0, pytest.approx(0.1), pytest.approx(0.1)]
