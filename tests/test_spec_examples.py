"""Run the Tcl examples of every implemented command's spec page, in page order, one interpreter
per page (a snippet may use what an earlier snippet on its page made).

Every block must run, except the ones listed in KNOWN, each with the error it must still give and
why. A listed block that fails otherwise, or now runs, fails the test too, so the list stays exact:
a command that regresses cannot hide behind an excuse written for another reason.
"""

import re

import pytest
from conftest import SPEC

from torchtcl_kernel import TorchTcl, TorchTclError
from torchtcl_kernel.core.registry import REGISTRY

# A Tcl comment starts only where a command does: the pages' `cmd  # note` passes `#`, `note`...
# to cmd as words. Read it as `cmd ;# note` (a `#` after blanks, outside a "quoted" word).
TRAILING_COMMENT = re.compile(r'^((?:[^#"\n]|"[^"\n]*")*?)(?<=[^\s;])([ \t]+#)', re.M)

SYNOPSIS = "a synopsis, not code: its [optional] arguments read as command substitution"
ELSEWHERE = "uses a variable that no earlier snippet on its page sets"
FAILS = "a list of calls the page says fail; the first fails as the page says"
BRACED = "page bug: the braced list is never substituted, so its words are not numbers"

# (page, blocks, text the error must contain, why). Block numbers count the page's ```tcl blocks.
_KNOWN = [
    ("autocast_disable", (1,), 'invalid command name "device_type"', SYNOPSIS),
    ("autocast_enable", (0, 2), 'invalid command name "device_type"', SYNOPSIS),
    ("autocast_enable", (1,), 'invalid command name "-device_type"', SYNOPSIS),
    ("autocast_is_enabled", (0, 2), 'invalid command name "device_type"', SYNOPSIS),
    ("autocast_is_enabled", (1,), 'invalid command name "-device_type"', SYNOPSIS),
    ("autocast_is_enabled", (14,), "Missing value for parameter", "the page's failing call"),
    ("autocast_set_dtype", (0, 2), 'invalid command name "device_type"', SYNOPSIS),
    ("autocast_set_dtype", (1,), 'invalid command name "-device_type"', SYNOPSIS),
    ("cross_entropy_loss", (8, 9), 'can\'t read "input"', ELSEWHERE),
    ("grad_scaler_get_scale", (7,), "Usage: torch::grad_scaler_get_scale scaler", FAILS),
    ("grad_scaler_scale", (7,), 'can\'t read "predictions"', ELSEWHERE),
    ("grad_scaler_scale", (8, 12), 'can\'t read "parameter"', ELSEWHERE),
    ("grad_scaler_scale", (9,), 'can\'t read "accumulation_steps"', ELSEWHERE),
    ("grad_scaler_scale", (10,), 'can\'t read "grad1"', ELSEWHERE),
    ("layer_forward", (19,), 'can\'t read "conv1"', ELSEWHERE),
    ("layer_forward", (23, 24), "mat1 and mat2 shapes cannot be multiplied",
     "reuses $layer and $input from unrelated earlier snippets, whose shapes differ"),
    ("layer_forward", (26,), 'can\'t read "model"', ELSEWHERE),
    ("lr_scheduler_constant_with_warmup", (0,), 'invalid command name "-lastEpoch"', SYNOPSIS),
    ("lr_scheduler_constant_with_warmup", (1,), 'invalid command name "last_epoch"', SYNOPSIS),
    ("lr_scheduler_constant_with_warmup", (7,), 'can\'t read "opt1"', ELSEWHERE),
    ("lr_scheduler_constant_with_warmup", (8,), 'can\'t read "param3"', ELSEWHERE),
    ("lr_scheduler_constant_with_warmup", (10, 17), 'can\'t read "params"', ELSEWHERE),
    ("lr_scheduler_constant_with_warmup", (11,), 'invalid command name "get_pretrained_parameters"',
     "pseudo-code: calls a helper the page never defines"),
    ("lr_scheduler_constant_with_warmup", (12,), 'invalid command name "load_optimizer_checkpoint"',
     "pseudo-code: calls a helper the page never defines"),
    ("lr_scheduler_constant_with_warmup", (16, 18, 20, 21, 22), 'can\'t read "opt"', ELSEWHERE),
    ("lr_scheduler_cosine", (6,), 'can\'t read "opt"', ELSEWHERE),
    ("lr_scheduler_cosine", (8,), "Invalid optimizer name", FAILS),
    ("lr_scheduler_cosine_annealing", (6,), 'can\'t read "opt"', ELSEWHERE),
    ("lr_scheduler_cosine_annealing", (8,), "Invalid optimizer name", FAILS),
    ("lr_scheduler_exponential", (4, 6), 'expected a number but got "/*"',
     "pseudo-code: tensor_create {/* model parameters */}"),
    ("lr_scheduler_exponential", (11,), 'can\'t read "params"', ELSEWHERE),
    ("lr_scheduler_exponential", (14, 15), 'can\'t read "opt"', ELSEWHERE),
    ("lr_scheduler_exponential", (20,), 'can\'t read "epoch"', ELSEWHERE),
    ("lr_scheduler_exponential_decay", (10,), 'can\'t read "main_params"', ELSEWHERE),
    ("lr_scheduler_exponential_decay", (11,), 'can\'t read "model_params"', ELSEWHERE),
    ("lr_scheduler_inverse_sqrt", (9, 10, 11, 13), 'can\'t read "model_params"', ELSEWHERE),
    ("lr_scheduler_inverse_sqrt", (12,), 'can\'t read "params"', ELSEWHERE),
    ("lr_scheduler_lambda", (16,), 'can\'t read "custom_multiplier"', ELSEWHERE),
    ("lr_scheduler_lambda", (18,), 'can\'t read "current_epoch"', ELSEWHERE),
    ("lr_scheduler_linear_with_warmup", (2,), 'invalid command name "auto"',
     "pseudo-code: `auto params ...`"),
    ("lr_scheduler_multi_step", (0, 1, 3, 4, 5, 6, 7), 'can\'t read "optimizer"', ELSEWHERE),
    ("lr_scheduler_multi_step", (8,), "Invalid optimizer name", FAILS),
    ("lr_scheduler_multiplicative", (0, 1, 3, 4, 5, 6, 7), 'can\'t read "optimizer"', ELSEWHERE),
    ("lr_scheduler_multiplicative", (8,), "Invalid optimizer name", FAILS),
    ("lr_scheduler_noam", (0,), 'invalid command name "warmupSteps"', SYNOPSIS),
    ("lr_scheduler_noam", (1,), 'invalid command name "-warmupSteps"', SYNOPSIS),
    ("lr_scheduler_noam", (12,), "Required parameter 'modelSize' is missing", FAILS),
    ("lr_scheduler_one_cycle", (0,), 'invalid command name "pct_start"', SYNOPSIS),
    ("lr_scheduler_one_cycle", (12,), 'can\'t read "num_epochs"', ELSEWHERE),
    ("lr_scheduler_one_cycle", (13,),
     'wrong # args: should be "torch::lr_scheduler_one_cycle optimizer max_lr total_steps', FAILS),
    ("lr_scheduler_onecycle_advanced", (0,), 'invalid command name "pct_start"', SYNOPSIS),
    ("lr_scheduler_onecycle_advanced", (14,),
     'wrong # args: should be "torch::lr_scheduler_onecycle_advanced optimizer max_lr', FAILS),
    ("lr_scheduler_plateau", (0,), 'invalid command name "OPTIONS"', SYNOPSIS),
    ("lr_scheduler_plateau", (1,), 'invalid command name "MODE"', SYNOPSIS),
    ("lr_scheduler_plateau", (12,), "Required parameters missing or invalid", FAILS),
    ("lr_scheduler_polynomial", (0,), 'invalid command name "OPTIONS"', SYNOPSIS),
    ("lr_scheduler_polynomial", (1,), 'invalid command name "POWER"', SYNOPSIS),
    ("lr_scheduler_polynomial", (14,), 'can\'t read "opt"', ELSEWHERE),
    ("lr_scheduler_polynomial", (15,), "Required parameters missing or invalid", FAILS),
    ("lr_scheduler_reduce_on_plateau", (0,), 'invalid command name "OPTIONS"', SYNOPSIS),
    ("lr_scheduler_reduce_on_plateau", (1,), 'invalid command name "MODE"', SYNOPSIS),
    ("lr_scheduler_reduce_on_plateau", (19,), "Required parameters missing or invalid", FAILS),
    ("lr_scheduler_step", (0, 1), 'can\'t read "optimizer"', ELSEWHERE),
    ("lr_scheduler_step", (2,), 'can\'t read "optim"', ELSEWHERE),
    ("lr_scheduler_step_advanced", (3,), 'can\'t read "opt"', ELSEWHERE),
    ("lr_scheduler_step_advanced", (4, 5, 6, 7, 8), 'can\'t read "sched"', ELSEWHERE),
    ("lr_scheduler_step_update", (3,), 'can\'t read "params"', ELSEWHERE),
    ("lr_scheduler_step_update", (4, 5), 'can\'t read "sched"', ELSEWHERE),
    ("ones_like", (0,), 'invalid command name "-dtype"', SYNOPSIS),
    ("ones_like", (4,), 'can\'t read "input"', ELSEWHERE),
    ("optimizer_adafactor", (3,), "PyTorch's Adafactor has no first-moment term",
     "asks for -beta1 0.9, which PyTorch's Adafactor does not have"),
    ("optimizer_adagrad", (0, 1), 'can\'t read "paramList"', ELSEWHERE),
    ("optimizer_adam", (0, 1), 'can\'t read "paramList"', ELSEWHERE),
    ("optimizer_momentum_sgd", (0, 1), 'can\'t read "paramList"', ELSEWHERE),
    ("optimizer_rmsprop", (0, 1), 'can\'t read "paramList"', ELSEWHERE),
    ("optimizer_rmsprop", (2,), 'can\'t read "params"', ELSEWHERE),
    ("optimizer_step", (3,), 'can\'t read "tensor1"', ELSEWHERE),
    ("optimizer_step", (4, 5, 6), 'can\'t read "optimizer"', ELSEWHERE),
    ("optimizer_step", (7, 8), 'can\'t read "params"', ELSEWHERE),
    ("optimizer_zero_grad", (3,), 'can\'t read "tensor1"', ELSEWHERE),
    ("optimizer_zero_grad", (4, 5, 6, 7, 8, 9, 11, 12), 'can\'t read "optimizer"', ELSEWHERE),
    ("optimizer_zero_grad", (10,), 'can\'t read "params"', ELSEWHERE),
    ("rand", (7,), 'expected integer but got "$batch_size"', BRACED),
    ("rand", (8,), 'expected integer but got "$n_samples"', BRACED),
    ("randn", (6,), 'expected integer but got "$fan_out"', BRACED),
    ("randn", (9,), 'expected integer but got "$n_steps"', BRACED),
    ("randn", (14,), 'expected integer but got "out_features"', BRACED),
    ("randn_like", (23,), 'can\'t read "tensor"', ELSEWHERE),
    ("randn_like", (24,), 'can\'t read "data_tensor"', ELSEWHERE),
    ("randn_like", (29,), 'can\'t read "shape_tensor"', ELSEWHERE),
    ("tensor_backward", (6, 7), "backward through the graph a second time",
     "backward again through the graph block 5 already used: PyTorch freed it (no retain_graph)"),
    ("tensor_div", (8,), 'can\'t read "tensor1"', ELSEWHERE),
    ("tensor_item", (14, 15, 16, 17), "Tensor has 0 elements",
     "reuses $tensor, which block 13 made empty"),
    ("tensor_mean", (15, 16, 17), 'can\'t read "tensor"', ELSEWHERE),
    ("tensor_relu", (6,), 'can\'t read "input"', ELSEWHERE),
    ("tensor_relu", (13,), 'can\'t read "hidden_weights"', ELSEWHERE),
    ("tensor_relu", (14,), 'can\'t read "raw_signal_data"', ELSEWHERE),
    ("tensor_relu", (15,), 'can\'t read "features"', ELSEWHERE),
    ("tensor_relu", (16,), 'can\'t read "my_tensor"', ELSEWHERE),
    ("tensor_relu", (17,), 'can\'t read "tensor"', ELSEWHERE),
    ("tensor_reshape", (0, 1), "Invalid tensor name",
     "a synopsis: `tensor_handle` is a placeholder"),
    ("tensor_reshape", (2,), 'can\'t read "tensor"', ELSEWHERE),
    ("tensor_sub", (1, 2), 'invalid command name "-alpha"', SYNOPSIS),
    ("tensor_sum", (1, 2), 'invalid command name "-dim"', SYNOPSIS),
    ("tensor_tanh", (6,), 'can\'t read "input"', ELSEWHERE),
    ("tensor_tanh", (13,), 'can\'t read "hidden_weights"', ELSEWHERE),
    ("tensor_tanh", (14,), 'can\'t read "features"', ELSEWHERE),
    ("tensor_tanh", (15,), 'can\'t read "signal"', ELSEWHERE),
    ("tensor_tanh", (16,), 'can\'t read "my_tensor"', ELSEWHERE),
    ("tensor_tanh", (17,), 'can\'t read "tensor"', ELSEWHERE),
    ("zeros_like", (4,), "only Tensors of floating point dtype can require gradients",
     "asks for -requiresGrad true on an int32 tensor, which PyTorch refuses"),
]
KNOWN = {(page, block): (error, why) for page, blocks, error, why in _KNOWN for block in blocks}


def _pages():
    if not SPEC.is_dir():
        return []
    return sorted(name for name in REGISTRY if (SPEC / f"{name}.md").exists())


def _runnable(block, known_commands):
    used = set(re.findall(r"torch::(\w+)", block))
    return not (used - known_commands) and "cuda" not in block and ("$" in block or "[" in block)


@pytest.mark.skipif(not SPEC.is_dir(),
                    reason="the spec pages (../shared/spec) are not beside this clone")
def test_spec_page_examples_run():
    known_commands = {n for c in REGISTRY.values() for n in c.names}
    ran, seen, problems = 0, set(), []
    for name in _pages():
        text = (SPEC / f"{name}.md").read_text()
        interp = TorchTcl(stdout=lambda s: None, stderr=lambda s: None)
        for i, block in enumerate(re.findall(r"```tcl\n(.*?)```", text, re.S)):
            if not _runnable(block, known_commands):
                continue
            seen.add((name, i))
            expected = KNOWN.get((name, i))
            try:
                interp.eval(TRAILING_COMMENT.sub(r"\1 ;\2", block))
            except TorchTclError as e:
                if expected is None:
                    problems.append(f"{name} block {i}: {e.message}")
                elif expected[0] not in e.message:
                    problems.append(f"{name} block {i}: expected an error containing "
                                    f"{expected[0]!r} ({expected[1]}), got: {e.message}")
                continue
            ran += 1
            if expected is not None:
                problems.append(f"{name} block {i} runs now: drop it from KNOWN ({expected[1]})")
    problems += [f"{name} block {i} is in KNOWN but was not run" for name, i in KNOWN.keys() - seen]
    assert not problems, "\n".join(problems)
    assert ran >= 500, f"only {ran} example blocks ran"
