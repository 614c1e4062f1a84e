"""torch::train_step: one command for a whole training step, against the same step in plain
PyTorch (bit for bit) and against the same step written command by command (same telemetry)."""

import pytest
import torch

from torchtcl_kernel import TorchTcl, TorchTclError

STEPS = 12
OVERFLOW_AT = {3, 8}        # steps whose input is all inf: the scaler skips them


def same(a, b):
    """Equal to the bit (NaN where the other has NaN: an overflowing step's loss)."""
    torch.testing.assert_close(torch.tensor(a), torch.tensor(b), rtol=0, atol=0, equal_nan=True)


def _batches():
    torch.manual_seed(0)
    x, y = torch.randn(16, 8), torch.randint(0, 4, (16,))
    return x, y, x * float("inf")


def _model(seed=1):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(8, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4))


def _eager(amp):
    """The loop in plain PyTorch: losses, scales and the final parameters."""
    x, y, bad = _batches()
    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    sched = torch.optim.lr_scheduler.StepLR(opt, 4, 0.5)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.0, growth_interval=3)
    losses, scales = [], []
    for step in range(STEPS):
        batch = bad if amp and step in OVERFLOW_AT else x
        opt.zero_grad()
        if amp:
            with torch.autocast("cpu", dtype=torch.bfloat16):
                loss = torch.nn.functional.cross_entropy(model(batch), y)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            scales.append(scaler.get_scale())
        else:
            loss = torch.nn.functional.cross_entropy(model(batch), y)
            loss.backward()
            opt.step()
        sched.step()
        losses.append(loss.item())
    return losses, scales, list(model.parameters())


def _tcl(script_step, amp):
    """The loop in Tcl, the step being script_step; the same results, and the interpreter."""
    x, y, bad = _batches()
    model = _model()
    tcl = TorchTcl()
    for name, obj in {"x": x, "y": y, "bad": bad, "model": model}.items():
        tcl.tk.call("set", name, tcl.put(obj))
    tcl.eval("""
        set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.1 0.9]
        set sched [torch::lr_scheduler_step $opt 4 0.5]
        set scaler [torch::grad_scaler_new -initScale 1024.0 -growthInterval 3 -device cpu]""")
    losses, scales = [], []
    for step in range(STEPS):
        overflow = amp and step in OVERFLOW_AT     # (without a scaler inf would stay)
        tcl.tk.call("set", "batch", tcl.eval(f"set {'bad' if overflow else 'x'}"))
        losses.append(tcl.store.get(tcl.eval(script_step[amp]), "tensor").item())
        if amp:
            scales.append(float(tcl.eval("torch::grad_scaler_get_scale $scaler")))
    return losses, scales, list(model.parameters()), tcl


FUSED = {False: "torch::train_step $model $batch $y $opt -scheduler $sched",
         True: "torch::train_step $model $batch $y $opt -scaler $scaler -autocast bfloat16 "
               "-scheduler $sched"}
# the same steps, command by command (the script's result is the loss)
SEPARATE = {False: """
    torch::optimizer_zero_grad $opt
    set loss [torch::cross_entropy_loss [torch::layer_forward $model $batch] $y]
    torch::tensor_backward $loss
    torch::optimizer_step $opt
    torch::lr_scheduler_step_advanced $sched
    set loss""",
            True: """
    torch::optimizer_zero_grad $opt
    torch::autocast_enable cpu bfloat16
    set loss [torch::cross_entropy_loss [torch::layer_forward $model $batch] $y]
    torch::autocast_disable cpu
    torch::tensor_backward [torch::grad_scaler_scale $scaler $loss]
    torch::grad_scaler_step $scaler $opt
    torch::grad_scaler_update $scaler
    torch::lr_scheduler_step_advanced $sched
    set loss"""}


@pytest.mark.parametrize("amp", [False, True], ids=["fp32", "amp-bf16"])
def test_train_step_is_plain_pytorch_bit_for_bit(amp):
    losses, scales, params = _eager(amp)
    ours, our_scales, our_params, tcl = _tcl(FUSED, amp)
    same(ours, losses)
    assert our_scales == scales
    if amp:      # the overflow steps were skipped and backed off, the others grew the scale
        assert scales[3] == scales[2] / 2 and scales[8] < scales[7]
    for a, b in zip(our_params, params, strict=True):
        assert torch.equal(a, b)
    tcl.close()


@pytest.mark.parametrize("amp", [False, True], ids=["fp32", "amp-bf16"])
def test_train_step_records_what_the_separate_commands_record(amp):
    fused = _tcl(FUSED, amp)
    separate = _tcl(SEPARATE, amp)
    same(fused[0], separate[0])
    assert fused[1] == separate[1]
    records = [list(t.telemetry.records) for t in (fused[3], separate[3])]
    assert records[0] == records[1]
    kinds = {r.kind for r in records[0]}
    assert kinds == ({"lr", "schedule", "scale"} if amp else {"lr", "schedule"})
    if amp:
        skipped = [r.step for r in records[0] if r.kind == "scale" and r.skipped]
        assert skipped == [s + 1 for s in sorted(OVERFLOW_AT)]
        # each update's record holds the scale GradScaler.get_scale gives after it
        assert [r.value for r in records[0] if r.kind == "scale"] == fused[1]
    for _, _, _, tcl in (fused, separate):
        tcl.close()


def test_positional_named_and_camel_case_forms_agree():
    results = []
    for script in ("torch::train_step $model $x $y $opt mse",
                   "torch::trainStep -model $model -input $x -target $y -opt $opt -loss mse",
                   "torch::train_step -target $y -loss mse -optimizer $opt -input $x "
                   "-model $model"):
        model = _model()
        tcl = TorchTcl()
        x, y = torch.randn(4, 8, generator=torch.Generator().manual_seed(3)), torch.zeros(4, 4)
        for name, obj in {"x": x, "y": y, "model": model}.items():
            tcl.tk.call("set", name, tcl.put(obj))
        tcl.eval("set opt [torch::optimizer_adam [torch::layer_parameters $model] 0.01]")
        results.append([float(tcl.eval(f"torch::tensor_item [{script}]")) for _ in range(3)])
        tcl.close()
    assert results[0] == results[1] == results[2]
    assert results[0][2] < results[0][0]


def test_the_loss_handle_is_detached_and_the_step_really_trains(tcl):
    tcl("""
        set model [torch::linear 8 4]
        set x [torch::randn {16 8}]; set y [torch::zeros {16 4}]
        set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.1]
        set first [torch::tensor_item [torch::train_step $model $x $y $opt -loss mse]]
        for {set i 0} {$i < 20} {incr i} { set loss [torch::train_step $model $x $y $opt mse] }""")
    assert tcl("torch::tensor_requires_grad $loss") == "0"
    assert float(tcl("torch::tensor_item $loss")) < float(tcl("set first")) / 2
    # the optimizer's learning rate was recorded at each step, as optimizer_step records it
    assert [r.step for r in tcl.interp.telemetry.records if r.kind == "lr"] == list(range(1, 22))


def test_lbfgs_gets_the_step_as_its_closure():
    x, y, _ = _batches()
    model, twin = _model(), _model()
    ref = torch.optim.LBFGS(twin.parameters(), lr=0.5, max_iter=4)

    def closure():
        ref.zero_grad()
        loss = torch.nn.functional.cross_entropy(twin(x), y)
        loss.backward()
        return loss
    expected = [ref.step(closure).item() for _ in range(3)]
    tcl = TorchTcl()
    for name, obj in {"x": x, "y": y, "model": model}.items():
        tcl.tk.call("set", name, tcl.put(obj))
    tcl.eval("set opt [torch::optimizer_lbfgs [torch::layer_parameters $model] 0.5 4]")
    got = [tcl.store.get(tcl.eval("torch::train_step $model $x $y $opt"), "tensor").item()
           for _ in range(3)]
    assert got == expected and got[2] < got[0]
    tcl.eval("set scaler [torch::grad_scaler_new -device cpu]")
    with pytest.raises(TorchTclError, match="GradScaler does not support closures"):
        tcl.eval("torch::train_step $model $x $y $opt -scaler $scaler")
    tcl.close()


def test_a_plateau_scheduler_steps_on_the_loss(tcl):
    tcl("""
        set model [torch::linear 2 1]
        set x [torch::zeros {4 2}]; set y [torch::ones {4 1}]
        set opt [torch::optimizer_sgd [torch::layer_parameters $model] 1e-6]
        set plateau [torch::lr_scheduler_reduce_on_plateau $opt min 0.5 1]
        for {set i 0} {$i < 4} {incr i} {
            torch::train_step $model $x $y $opt -loss mse -scheduler $plateau }""")
    # at this LR the loss cannot improve: after `patience` steps on it the plateau halves the LR
    assert float(tcl("torch::get_lr $opt")) == 0.5e-6


def test_a_compiled_model_handle_trains_as_its_model_does(tcl):
    x, y, _ = _batches()
    losses = []
    for compiled in (False, True):
        model = _model()
        tcl.interp.tk.call("set", "model", tcl.interp.put(model))
        tcl.interp.tk.call("set", "x", tcl.interp.put(x))
        tcl.interp.tk.call("set", "y", tcl.interp.put(y))
        if compiled:
            tcl("set model [torch::compile $model -backend eager]")
        tcl("set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.1 0.9]")
        losses.append([float(tcl("torch::tensor_item [torch::train_step $model $x $y $opt]"))
                       for _ in range(4)])
    assert losses[0] == losses[1]


def test_bad_input_is_a_tcl_error_and_nothing_is_lost(tcl):
    tcl("""
        set model [torch::linear 8 4]
        set x [torch::randn {16 8}]; set y [torch::randn {16 4}]
        set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.1]""")
    cases = {
        "torch::train_step": "Usage: torch::train_step model input target optimizer ?loss?",
        "torch::train_step $model $x $y": "Usage: torch::train_step model input target "
                                          "optimizer ?loss?",
        "torch::train_step $x $x $y $opt": "Model not found",
        "torch::train_step $model $model $y $opt": "Invalid input tensor name",
        "torch::train_step $model $x nope $opt": "Invalid target tensor name",
        "torch::train_step $model $x $y $model": "Invalid optimizer handle",
        "torch::train_step $model $x $y $opt nope": 'bad value "nope": must be cross_entropy',
        "torch::train_step $model $x $y $opt -autocast int8": 'bad value "int8": must be none',
        "torch::train_step $model $x $y $opt -scaler $opt": "Gradient scaler not found",
        "torch::train_step $model $x $y $opt -scheduler $x": "Scheduler not found",
        "torch::train_step $model $x $y $opt -bogus 1": "Unknown parameter: -bogus",
        "torch::train_step $model $x $y $opt -loss": "-loss",
        # PyTorch's own complaint: a class-index loss on a float target of the wrong shape
        "torch::train_step $model $x [torch::zeros {3}] $opt": "size",
    }
    weight = tcl("torch::tensor_sum [lindex [torch::layer_parameters $model] 0]")
    for script, text in cases.items():
        assert text in str(tcl.error(script)), script
    assert tcl("torch::tensor_item [torch::tensor_sum [lindex [torch::layer_parameters "
               "$model] 0]]") == tcl(f"torch::tensor_item {weight}")
    assert float(tcl("torch::tensor_item [torch::train_step $model $x $y $opt mse]")) > 0
