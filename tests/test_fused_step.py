"""torch::train_step on a torch::compile handle through a real interpreter: the whole step runs
compiled (forward, gradients and the optimizer's step), trains the model as eager PyTorch does,
keeps telemetry, the scheduler and the scaler's inf check, and falls back to an unfused step,
with its reason in torch::compile_info, where fusing would not compute what eager PyTorch does.

Most tests use the aot_eager backend (Dynamo traces the step, autograd is traced too, no code is
generated: quick); one per precision compiles with inductor, the default."""

import pytest
import torch
import torch.nn.functional as F
from conftest import Session, failing_backend
from torch._C._dynamo.eval_frame import _debug_get_cache_entry_list

MLP = "torch::sequential [list [torch::linear 6 16] [torch::nn_relu] [torch::linear 16 3]]"
failing_backend()
DATA = "set x [torch::randn {8 6}]; set y [torch::tensor_create {0 1 2 0 1 2 0 1} int64]"


def info(tcl, handle):
    return tcl.dict(f"torch::compile_info {handle}")


def reference(tcl, seed, optimizer, steps, scaler=False, scheduler=None):
    """The same model and steps in eager PyTorch: (losses, model)."""
    torch.manual_seed(seed)
    model = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    x, y = tcl.interp.tensor(tcl("set x")), tcl.interp.tensor(tcl("set y"))
    opt = optimizer(model.parameters())
    sched = scheduler(opt) if scheduler else None
    grad_scaler = torch.amp.GradScaler("cpu", init_scale=2.0 ** 16) if scaler else None
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        if grad_scaler is None:
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
        else:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = F.cross_entropy(model(x), y)
            grad_scaler.scale(loss).backward()
            grad_scaler.step(opt)
            grad_scaler.update()
        if sched:
            sched.step()
        losses.append(loss.item())
    return losses, model


def train(tcl, setup, step, steps):
    tcl(f"torch::manual_seed 3; set m [{MLP}]; {DATA}; set c [torch::compile $m "
        f"-backend aot_eager]; {setup}")
    return [float(tcl(f"torch::tensor_item [{step}]")) for _ in range(steps)]


@pytest.mark.parametrize("setup, optimizer, scheduler", [
    ("set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]",
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), None),
    ("set opt [torch::optimizer_adam [torch::layer_parameters $c] 0.01]",
     lambda p: torch.optim.Adam(p, lr=0.01), None),
    # a learning rate that changes at every step: no compile at every step, the lr is a tensor
    ("set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]; "
     "set s [torch::lr_scheduler_step $opt 2 0.5]",
     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9),
     lambda o: torch.optim.lr_scheduler.StepLR(o, 2, 0.5)),
])
def test_the_fused_step_trains_as_eager_pytorch_does(tcl, setup, optimizer, scheduler):
    step = "torch::train_step $c $x $y $opt" + (" -scheduler $s" if scheduler else "")
    got = train(tcl, setup, step, 12)
    assert (info(tcl, "$c")["step"], info(tcl, "$c")["step_reason"]) == ("fused", "")
    assert info(tcl, "$c")["status"] == "compiled"
    want, model = reference(tcl, 3, optimizer, 12, scheduler=scheduler)
    assert got == pytest.approx(want, rel=1e-5, abs=1e-6)
    torch.testing.assert_close(tcl.interp.store.get(tcl("set m"), "module").state_dict(),
                               model.state_dict(), rtol=1e-5, atol=1e-6)
    group = tcl.interp.store.get(tcl("set opt"), "optimizer").param_groups[0]
    assert type(group["lr"]) is float           # the tensor lr was the step's only
    # one compile for the fused step: the learning rate changing did not compile again
    fused = tcl.interp.store.get(tcl("set c"), "module").__dict__["_fused"]
    code = fused._gradients_and_step._torchdynamo_orig_callable.__code__
    assert len(_debug_get_cache_entry_list(code)) == 1 and not tcl.err


def test_the_fused_step_with_a_scaler_skips_the_update_on_inf_as_eager_does(tcl):
    setup = ("set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]; "
             "set sc [torch::grad_scaler_new -device cpu -init_scale 65536]")
    step = "torch::train_step $c $x $y $opt -scaler $sc -autocast bfloat16"
    got = train(tcl, setup, step, 6)
    assert info(tcl, "$c")["step"] == "fused"
    want, model = reference(tcl, 3, lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), 6,
                            scaler=True)
    assert got == pytest.approx(want, rel=1e-3)
    assert tcl("torch::grad_scaler_get_scale $sc") == "65536.0"
    # an inf in the input: the scaler's check finds it, the step is skipped, the scale backs off
    weights = [p.detach().clone() for p in tcl.interp.store.get(tcl("set m"), "module")
               .parameters()]
    tcl("set bad [torch::tensor_mul $x [torch::tensor_create {1e39} float32]]")
    tcl("torch::train_step $c $bad $y $opt -scaler $sc -autocast bfloat16")
    assert tcl("torch::grad_scaler_get_scale $sc") == "32768.0"
    for before, after in zip(weights, tcl.interp.store.get(tcl("set m"), "module").parameters(),
                             strict=True):
        assert torch.equal(before, after)
    assert info(tcl, "$c")["step"] == "fused"
    # and the records say so: the last scale record is marked skipped, the others are not
    scales = [r.skipped for r in tcl.interp.telemetry.records if r.kind == "scale"]
    assert scales == [False] * 6 + [True]


@pytest.mark.parametrize("setup, reason", [
    ("set opt [torch::optimizer_sgd [torch::layer_parameters [torch::linear 6 16]] 0.1]",
     "the optimizer does not train exactly the model's trainable parameters"),
    ("set opt [torch::optimizer_lamb [torch::layer_parameters $c] 0.01]",
     "the optimizer is not one of torch.optim's"),
])
def test_a_step_that_cannot_be_fused_runs_unfused_and_says_why(tcl, setup, reason):
    tcl(f"torch::manual_seed 3; set m [{MLP}]; {DATA}; set c [torch::compile $m "
        f"-backend aot_eager]; {setup}")
    for _ in range(3):
        tcl("torch::train_step $c $x $y $opt")
    got = info(tcl, "$c")
    assert (got["step"], got["step_reason"]) == ("unfused", reason)
    assert got["status"] == "compiled" and not tcl.err      # the model alone was compiled


def test_a_torch_whose_dynamo_cannot_trace_autograd_grad_takes_unfused_steps(tcl, monkeypatch):
    """The fused step needs Dynamo's trace_autograd_ops (torch 2.13 has it): without it, as in an
    older torch, the steps run unfused and say why, and train as eager PyTorch does."""
    monkeypatch.delattr(torch._dynamo.config, "trace_autograd_ops")
    got = train(tcl, "set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]",
                "torch::train_step $c $x $y $opt", 4)
    assert (info(tcl, "$c")["step"], info(tcl, "$c")["step_reason"]) == (
        "unfused", "this torch's Dynamo cannot trace torch.autograd.grad (it has no "
        "trace_autograd_ops setting)")
    want, _ = reference(tcl, 3, lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), 4)
    assert got == pytest.approx(want, rel=1e-5) and not tcl.err


def test_an_unused_parameter_keeps_the_step_unfused(tcl):
    """Eager PyTorch gives an unused parameter no gradient, and the optimizer leaves it alone;
    the compiled step would have to give it one (zeros, which momentum would act on). So no
    fusing."""
    tcl(f"torch::manual_seed 3; {DATA}; set m [torch::sequential [list [torch::linear 6 3]]]")
    model = tcl.interp.store.get(tcl("set m"), "module")
    model.register_parameter("unused", torch.nn.Parameter(torch.ones(3)))   # not in forward
    tcl("set c [torch::compile $m -backend aot_eager]")
    tcl("set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]")
    before = model.unused.detach().clone()
    for _ in range(3):
        tcl("torch::train_step $c $x $y $opt")
    got = info(tcl, "$c")
    assert (got["step"], got["step_reason"]) == (
        "unfused", "some parameters get no gradient from the loss (unused in the forward pass)")
    assert torch.equal(model.unused, before) and model.unused.grad is None


def test_what_a_script_changes_between_steps_unfuses_the_step(tcl):
    """A parameter frozen, or a step hook added, after steps ran fused: the next step is eager's
    (the frozen parameter stays as it is, the hook runs), and compile_info says why."""
    step = "torch::train_step $c $x $y $opt"
    train(tcl, "set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]", step, 3)
    first = tcl.interp.store.get(tcl("set m"), "module")[0].weight
    first.requires_grad_(False)
    frozen = first.detach().clone()
    tcl(step)
    got = info(tcl, "$c")
    assert (got["step"], got["step_reason"]) == (
        "unfused", "the model's trainable parameters changed (frozen, or replaced)")
    assert torch.equal(first, frozen) and first.grad is None

    train(tcl, "set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]", step, 3)
    assert info(tcl, "$c")["step"] == "fused"
    called = []
    tcl.interp.store.get(tcl("set opt"), "optimizer").register_step_post_hook(
        lambda *args: called.append(1))
    tcl(step)
    assert info(tcl, "$c")["step_reason"] == \
        "the optimizer has step hooks (the fused step would skip them)"
    assert called == [1] and not tcl.err

    train(tcl, "set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]", step, 3)
    seen = []
    tcl.interp.store.get(tcl("set m"), "module")[2].bias.register_hook(seen.append)
    tcl(step)
    assert info(tcl, "$c")["step_reason"].startswith("the model or a parameter has backward hooks")
    assert len(seen) == 1


def test_an_input_that_requires_grad_gets_its_gradient_as_in_eager(tcl):
    """Eager backward gives an input that requires grad its gradient, which the fused step's
    torch.autograd.grad (of the parameters) would not: such a step runs unfused, and the next ones
    fused again."""
    step = "torch::train_step $c $x $y $opt"
    train(tcl, "set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]", step, 3)
    x = tcl.interp.tensor(tcl("set x"))
    x.requires_grad_(True)
    tcl(step)
    assert x.grad is not None and x.grad.abs().sum() > 0
    x.requires_grad_(False)
    tcl(step)
    assert info(tcl, "$c")["step"] == "fused" and not tcl.err


def test_a_compiler_failure_of_the_fused_step_falls_back_once_and_says_why(tcl):
    tcl(f"torch::manual_seed 3; set m [{MLP}]; {DATA}")
    tcl("set c [torch::compile $m -backend torchtcl_test_failing]")
    tcl("set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]")
    losses = [float(tcl("torch::tensor_item [torch::train_step $c $x $y $opt]"))
              for _ in range(4)]
    want, _ = reference(tcl, 3, lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), 4)
    assert losses == pytest.approx(want, rel=1e-6)
    warned = "".join(tcl.err)
    assert "torch::train_step: compiled1 takes unfused steps from now on" in warned
    assert "this backend cannot compile anything" in warned
    got = info(tcl, "$c")
    assert got["step"] == "unfused" and "BackendCompilerFailed" in got["step_reason"]


def test_a_batch_norm_model_takes_fused_steps_as_eager_does(tcl):
    """BatchNorm in training mode updates its running statistics in the forward pass: the fused
    step does that once a step, as eager PyTorch does."""
    bn = ("torch::sequential [list [torch::linear 6 16] [torch::batch_norm1d 16] "
          "[torch::nn_relu] [torch::linear 16 3]]")
    tcl(DATA)
    for name in ("m", "e"):
        tcl(f"torch::manual_seed 3; set {name} [{bn}]")
    tcl("set c [torch::compile $m -backend aot_eager]")
    tcl("set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]")
    tcl("set eopt [torch::optimizer_sgd [torch::layer_parameters $e] 0.1 0.9]")
    for _ in range(6):
        tcl("torch::train_step $c $x $y $opt; torch::train_step $e $x $y $eopt")
    assert info(tcl, "$c")["step"] == "fused" and not tcl.err
    got, want = (tcl.interp.store.get(tcl(f"set {n}"), "module").state_dict() for n in "me")
    torch.testing.assert_close(got, want, rtol=1e-5, atol=1e-6)
    assert int(got["1.num_batches_tracked"]) == 6


def test_a_recompile_finds_autograd_traced_and_nothing_else_sees_it(tcl):
    """The fused step has Dynamo trace torch.autograd.grad, an opt-in of Dynamo's set while the
    step's functions run: a later step that compiles again (its compiled code dropped here, as
    a guard that fails would) finds it set too, and it is unset again after every step, a failed
    one included."""
    step = "torch::train_step $c $x $y $opt"
    train(tcl, "set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]", step, 3)
    fused = tcl.interp.store.get(tcl("set c"), "module").__dict__["_fused"]
    code = fused._gradients_and_step._torchdynamo_orig_callable.__code__
    torch._dynamo.reset_code(code)
    assert _debug_get_cache_entry_list(code) == []
    tcl(step)
    assert info(tcl, "$c")["step"] == "fused" and not tcl.err
    assert len(_debug_get_cache_entry_list(code)) == 1            # it did compile again
    assert torch._dynamo.config.trace_autograd_ops is False
    tcl.error(step.replace("$y", "[torch::tensor_create {0 1 2 0 1 2 0 9} int64]"))
    assert torch._dynamo.config.trace_autograd_ops is False


def test_an_error_of_the_script_is_a_tcl_error_and_the_step_stays_fused(tcl):
    tcl(f"torch::manual_seed 3; set m [{MLP}]; {DATA}; set c [torch::compile $m "
        "-backend aot_eager]; set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1]")
    for _ in range(3):
        tcl("torch::train_step $c $x $y $opt")
    e = tcl.error("torch::train_step $c [torch::randn {8 5}] $y $opt")
    assert "mat1 and mat2 shapes cannot be multiplied (8x5 and 6x16)" in e.message
    assert info(tcl, "$c")["step"] == "fused" and not tcl.err
    assert tcl("torch::tensor_shape [torch::train_step $c $x $y $opt]") == ""


def test_nine_setups_alive_all_take_fused_steps(tcl):
    """Dynamo keeps up to 8 compiled versions of a function: each setup's step has a function of
    its own, so the ninth model trained at once still compiles."""
    tcl(DATA)
    for i in range(9):
        tcl(f"set m{i} [{MLP}]; set c{i} [torch::compile $m{i} -backend eager]; "
            f"set o{i} [torch::optimizer_sgd [torch::layer_parameters $c{i}] 0.1 0.9]")
        for _ in range(2):
            tcl(f"torch::train_step $c{i} $x $y $o{i}")
    assert [info(tcl, f"$c{i}")["step"] for i in range(9)] == ["fused"] * 9 and not tcl.err


def _bad_target_fails_cleanly(tcl, step):
    """A class index out of range in a fused step: PyTorch's own message, no gradient left behind
    (not the step's uninitialised buffers), no parameter changed, and the next step fused."""
    model = tcl.interp.store.get(tcl("set m"), "module")
    before = [p.detach().clone() for p in model.parameters()]
    tcl("set bad [torch::tensor_create {0 1 2 0 1 2 0 7} int64]")
    e = tcl.error(step.replace("$y", "$bad"))
    assert e.message == "Target 7 is out of bounds."
    assert all(p.grad is None for p in model.parameters())
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), before, strict=True))
    tcl(step)
    assert info(tcl, "$c")["step"] == "fused" and not tcl.err


def test_a_bad_target_fails_the_fused_step_cleanly(tcl):
    step = "torch::train_step $c $x $y $opt"
    train(tcl, "set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]", step, 3)
    _bad_target_fails_cleanly(tcl, step)


@pytest.mark.slow
@pytest.mark.parametrize("amp", [False, True])
def test_inductor_compiles_the_whole_step(amp):
    tcl = Session()
    setup = "set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]"
    step = "torch::train_step $c $x $y $opt"
    if amp:
        setup += "; set sc [torch::grad_scaler_new -device cpu -init_scale 65536]"
        step += " -scaler $sc -autocast bfloat16"
    tcl(f"torch::manual_seed 3; set m [{MLP}]; {DATA}; set c [torch::compile $m]; {setup}")
    got = [float(tcl(f"torch::tensor_item [{step}]")) for _ in range(8)]
    assert info(tcl, "$c")["step"] == "fused" and not tcl.err
    want, _ = reference(tcl, 3, lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9), 8,
                        scaler=amp)
    assert got == pytest.approx(want, rel=1e-3 if amp else 1e-5)
    # the generated code checks the class index too, in its own words: the error is PyTorch's
    _bad_target_fails_cleanly(tcl, step)


@pytest.mark.parametrize("mode", ["default", "reduce-overhead", "max-autotune"])
def test_inductor_steps_on_the_cpu_call_their_kernels_from_generated_cpp(mode):
    """The fused step's functions get the handle's mode, backend and dynamic setting, plus
    inductor's C++ wrapper when every parameter is on the CPU (faster steps, same kernels);
    other backends, which take no inductor options, get the mode as it is."""
    from torch import _inductor

    from torchtcl_kernel.commands.fused_step import compile_options
    params = list(torch.nn.Linear(2, 2).parameters())
    settings = {"mode": mode, "backend": "inductor", "dynamic": None}
    got = compile_options(settings, params)
    assert got == {"backend": "inductor", "dynamic": None, "fullgraph": True,
                   "options": {**_inductor.list_mode_options(mode), "cpp_wrapper": True}}
    torch.compile(lambda: None, **got)       # torch.compile takes them (mode and options: not)
    for backend in ("eager", "aot_eager"):
        got = compile_options({**settings, "backend": backend, "mode": "default"}, params)
        assert got == {"backend": backend, "dynamic": None, "fullgraph": True, "mode": None}
    meta = [torch.nn.Parameter(torch.empty(2, device="meta")), *params]
    assert "options" not in compile_options(settings, meta)   # not every parameter on the CPU
