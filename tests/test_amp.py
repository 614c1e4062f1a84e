"""AMP: the grad scaler family against torch.amp.GradScaler, and autocast state."""

import re

import pytest
import torch
from conftest import SPEC

from torchtcl_kernel import TorchTcl

STEPS = 40
OVERFLOW_AT = {6, 7, 19, 31}          # steps whose loss is multiplied by inf
GROWTH_INTERVAL = 5


def _python_reference(x, y, state):
    """The same AMP loop written directly against PyTorch."""
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.Linear(16, 4))
    model.load_state_dict(state)
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    scaler = torch.amp.GradScaler("cpu", init_scale=1024.0, growth_factor=2.0,
                                  backoff_factor=0.5, growth_interval=GROWTH_INTERVAL)
    trace = []
    for step in range(STEPS):
        opt.zero_grad()
        with torch.autocast("cpu", dtype=torch.bfloat16):
            loss = torch.nn.functional.mse_loss(model(x), y)
        if step in OVERFLOW_AT:
            loss = loss * float("inf")
        scaler.scale(loss).backward()
        scaler.step(opt)
        scaler.update()
        trace.append((scaler.get_scale(), [p.detach().clone() for p in model.parameters()]))
    return trace


TCL_LOOP = """
set model [torch::sequential [list [torch::linear 8 16] [torch::linear 16 4]]]
set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.05 0.9]
set scaler [torch::grad_scaler_new -initScale 1024.0 -growthFactor 2.0 -backoffFactor 0.5 \
            -growthInterval %d]
proc train_step {step overflow} {
    global model opt scaler x y
    torch::optimizer_zero_grad $opt
    torch::autocast_enable cpu bfloat16
    set loss [torch::mse_loss [torch::layer_forward $model $x] $y]
    torch::autocast_disable cpu
    if {$overflow} { set loss [torch::tensor_mul $loss inf] }
    torch::tensor_backward [torch::grad_scaler_scale $scaler $loss]
    torch::grad_scaler_step $scaler $opt
    torch::grad_scaler_update $scaler
    return [torch::grad_scaler_get_scale $scaler]
}
"""


def test_amp_loop_matches_torch_amp_step_for_step():
    torch.manual_seed(0)
    x, y = torch.randn(32, 8), torch.randn(32, 4)
    tcl = TorchTcl()
    tcl.tk.call("set", "x", tcl.put(x))
    tcl.tk.call("set", "y", tcl.put(y))
    tcl.eval(TCL_LOOP % GROWTH_INTERVAL)
    model = tcl.store.get(tcl.eval("set model"), "module")
    reference = _python_reference(x, y, model.state_dict())

    before = [p.detach().clone() for p in model.parameters()]
    clean_run = 0
    expected_scale = 1024.0
    for step in range(STEPS):
        scale = float(tcl.eval(f"train_step {step} {int(step in OVERFLOW_AT)}"))
        params = [p.detach().clone() for p in model.parameters()]
        ref_scale, ref_params = reference[step]
        assert scale == ref_scale, f"step {step}"
        assert all(torch.equal(a, b)
                   for a, b in zip(params, ref_params, strict=True)), f"step {step}"
        if step in OVERFLOW_AT:       # skipped: parameters bit-identical, scale backed off
            assert all(torch.equal(a, b) for a, b in zip(params, before, strict=True))
            expected_scale *= 0.5
            clean_run = 0
        else:                         # taken: parameters moved; growth after exactly N clean steps
            assert not all(torch.equal(a, b) for a, b in zip(params, before, strict=True))
            clean_run += 1
            if clean_run == GROWTH_INTERVAL:
                expected_scale *= 2.0
                clean_run = 0
        assert scale == expected_scale, f"step {step}"
        before = params


def test_scale_trajectory_for_the_closing_note(capsys):
    """Prints the trajectory (steps, scale, skipped) that the issue's closing note shows."""
    torch.manual_seed(0)
    tcl = TorchTcl()
    tcl.tk.call("set", "x", tcl.put(torch.randn(32, 8)))
    tcl.tk.call("set", "y", tcl.put(torch.randn(32, 4)))
    tcl.eval(TCL_LOOP % 3)
    rows = []
    for step in range(12):
        overflow = step in (4, 5, 9)
        rows.append((step, float(tcl.eval(f"train_step {step} {int(overflow)}")), overflow))
    assert [s for _, s, _ in rows] == [1024, 1024, 2048, 2048, 1024, 512, 512, 512, 1024, 512,
                                       512, 512]
    with capsys.disabled():
        print("\nstep  scale  skipped")
        for step, scale, skipped in rows:
            print(f"{step:4d} {scale:6.0f}  {'yes' if skipped else ''}")


def test_step_and_update_before_any_backward_are_harmless(tcl):
    tcl("""
        set scaler [torch::grad_scaler_new]
        set w [torch::randn -shape {3 3}]
        set opt1 [torch::optimizer_sgd -parameters [list $w] -lr 0.1]
        set opt2 [torch::optimizer_adam -parameters [list [torch::randn {2}]] -lr 0.1]
    """)
    w = tcl.interp.tensor(tcl("set w")).clone()
    assert tcl("torch::grad_scaler_step $scaler $opt1") == "scaler step completed"
    assert tcl("torch::gradScalerStep -scaler $scaler -optimizer $opt2") == "scaler step completed"
    assert tcl("torch::grad_scaler_update $scaler") == "scaler updated"
    assert tcl("torch::grad_scaler_get_scale $scaler") == "65536.0"
    assert torch.equal(tcl.interp.tensor(tcl("set w")), w)


def test_one_scaler_shared_by_two_optimizers_matches_torch(tcl):
    torch.manual_seed(1)
    a, b, x = torch.randn(4, requires_grad=True), torch.randn(4, requires_grad=True), torch.randn(4)
    ra, rb = a.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
    tcl.interp.tk.call("set", "a", tcl.interp.put(a))
    tcl.interp.tk.call("set", "b", tcl.interp.put(b))
    tcl.interp.tk.call("set", "x", tcl.interp.put(x))
    tcl("""
        set s [torch::grad_scaler_new 256.0 2.0 0.5 2]
        set o1 [torch::optimizer_sgd [list $a] 0.1]
        set o2 [torch::optimizer_adam [list $b] 0.01]
    """)
    scaler = torch.amp.GradScaler("cpu", 256.0, 2.0, 0.5, 2)
    o1, o2 = torch.optim.SGD([ra], lr=0.1), torch.optim.Adam([rb], lr=0.01)
    for step in range(6):
        bad = step == 3
        tcl(f"""
            torch::optimizer_zero_grad $o1; torch::optimizer_zero_grad $o2
            set loss [torch::tensor_sum [torch::tensor_mul [torch::tensor_mul $a $b] $x]]
            if {{{int(bad)}}} {{ set loss [torch::tensor_mul $loss nan] }}
            torch::tensor_backward [torch::grad_scaler_scale $s $loss]
            torch::grad_scaler_step $s $o1; torch::grad_scaler_step $s $o2
            torch::grad_scaler_update $s
        """)
        o1.zero_grad(), o2.zero_grad()
        loss = (ra * rb * x).sum() * (float("nan") if bad else 1.0)
        scaler.scale(loss).backward()
        scaler.step(o1), scaler.step(o2)
        scaler.update()
        assert float(tcl("torch::grad_scaler_get_scale $s")) == scaler.get_scale()
        assert torch.equal(a, ra) and torch.equal(b, rb)


def test_a_scale_record_is_marked_skipped_when_any_check_the_update_uses_found_inf(tcl):
    """The mark follows the checks GradScaler.update backs off from: here the inf is in the
    gradient of an optimizer that is only unscaled, while the other one's step is taken."""
    a, b = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    for name, value in {"a": a, "b": b, "big": torch.tensor([float("inf"), 1.0]),
                        "x": torch.tensor([1.0, 2.0])}.items():
        tcl.interp.tk.call("set", name, tcl.interp.put(value))
    tcl("""
        set s [torch::grad_scaler_new -init_scale 256.0 -device cpu]
        set o1 [torch::optimizer_sgd [list $a] 0.1]
        set o2 [torch::optimizer_sgd [list $b] 0.1]
        set loss [torch::tensor_add [torch::tensor_sum [torch::tensor_mul $a $big]] \
                                    [torch::tensor_sum [torch::tensor_mul $b $x]]]
        torch::tensor_backward [torch::grad_scaler_scale $s $loss]
        torch::grad_scaler_unscale $s $o1
        torch::grad_scaler_step $s $o2
        torch::grad_scaler_update $s
    """)
    assert tcl("torch::grad_scaler_get_scale $s") == "128.0"      # backed off, for a's inf
    assert torch.equal(a.detach(), torch.ones(2))                  # o1 never stepped
    assert torch.allclose(b.detach(), torch.tensor([0.9, 0.8]))    # o2's step was taken
    scales = [r for r in tcl.interp.telemetry.records if r.kind == "scale"]
    assert [(r.value, r.skipped) for r in scales] == [(128.0, True)]


def test_scaler_syntaxes_and_errors(tcl):
    tcl("set s [torch::gradScalerNew -init_scale 2048.0 -growth_factor 3.0]")
    assert tcl("torch::grad_scaler_get_scale -gradscaler $s") == "2048.0"
    assert tcl("torch::grad_scaler_get_growth_factor $s") == "3.0"
    scaler = "[torch::grad_scaler_new 1024.0 2.5 0.25 100]"
    assert tcl(f"torch::grad_scaler_get_scale {scaler}") == "1024.0"
    assert tcl("torch::tensor_item [torch::grad_scaler_scale -gradScaler $s -input "
               "[torch::tensor_create -data 0.5]]") == "1024.000000"
    e = tcl.error
    assert e("torch::grad_scaler_new -initScale -1.0").message == \
        "Invalid parameters: all values must be positive"
    assert e("torch::grad_scaler_new -invalidParam 1.0").message \
        == "Unknown parameter: -invalidParam"
    assert e("torch::grad_scaler_new -initScale").message == "Named parameters must come in pairs"
    assert e("torch::grad_scaler_get_scale").message == "Usage: torch::grad_scaler_get_scale scaler"
    assert e("torch::grad_scaler_get_scale nosuch").message == "Gradient scaler not found"
    assert e("torch::grad_scaler_scale -scaler $s -tensor nosuch").message == "Tensor not found"
    assert e("torch::grad_scaler_scale -tensor [torch::ones 1]").message == \
        "Required parameters missing: scaler and tensor handles required"
    assert e("torch::grad_scaler_step -scaler $s").message == \
        "Required parameters missing: scaler and optimizer handles required"
    assert e("torch::grad_scaler_step -scaler $s -optimizer nosuch").message \
        == "Optimizer not found"
    assert e("torch::grad_scaler_step -scaler nosuch -optimizer x").message == \
        "Gradient scaler not found"


def test_minimal_scaler_with_unit_factors_keeps_its_scale(tcl):
    """The reference's debugging scaler (factors of 1.0), which GradScaler's constructor refuses."""
    tcl("""set s [torch::grad_scaler_new -initScale 1.0 -growthFactor 1.0 -backoffFactor 1.0 \
              -growthInterval 1]
           set w [torch::tensor_create -data {1.0 2.0} -requiresGrad true]
           set o [torch::optimizer_sgd [list $w] 0.1]""")
    for factor in ("1.0", "inf", "1.0"):
        tcl(f"torch::optimizer_zero_grad $o; torch::tensor_backward [torch::grad_scaler_scale $s "
            f"[torch::tensor_mul [torch::tensor_sum $w] {factor}]]; torch::grad_scaler_step $s $o; "
            f"torch::grad_scaler_update $s")
        assert tcl("torch::grad_scaler_get_scale $s") == "1.0"


def test_rest_of_the_gradscaler_api(tcl):
    tcl("""set s [torch::grad_scaler_new 512.0 2.0 0.5 3]
           set w [torch::tensor_create -data {1.0 -2.0} -requiresGrad true]
           set o [torch::optimizer_sgd [list $w] 0.1]""")
    state = tcl("set state [torch::grad_scaler_state_dict $s]")
    assert dict(zip(*[iter(state.split())] * 2, strict=True)) == {
        "scale": "512.0", "growth_factor": "2.0", "backoff_factor": "0.5",
        "growth_interval": "3", "_growth_tracker": "0"}
    tcl("torch::grad_scaler_set_growth_factor $s 4.0; "
        "torch::grad_scaler_set_backoff_factor $s 0.25;"
        "torch::grad_scaler_set_growth_interval $s 1")
    assert [tcl(f"torch::grad_scaler_get_{k} $s") for k in
            ("growth_factor", "backoff_factor", "growth_interval")] == ["4.0", "0.25", "1"]
    # unscale: gradients divided by the scale before the step, as GradScaler.unscale_ does
    tcl("torch::tensor_backward [torch::grad_scaler_scale $s [torch::tensor_sum $w]]")
    assert tcl.interp.tensor(tcl("torch::tensor_grad $w")).tolist() == [512.0, 512.0]
    assert tcl("torch::grad_scaler_unscale $s $o") == "scaler unscale completed"
    assert tcl.interp.tensor(tcl("torch::tensor_grad $w")).tolist() == [1.0, 1.0]
    tcl("torch::grad_scaler_step $s $o; torch::grad_scaler_update $s")
    assert tcl("torch::grad_scaler_get_scale $s") == "2048.0"     # grew by 4.0 after 1 step
    tcl("torch::grad_scaler_load_state_dict $s $state")
    assert tcl("torch::grad_scaler_get_scale $s") == "512.0"
    assert tcl("torch::grad_scaler_get_growth_interval $s") == "3"
    assert tcl.error("torch::grad_scaler_load_state_dict $s {scale 1.0}").message.startswith(
        "Invalid state dict: missing")
    assert tcl("torch::grad_scaler_is_enabled $s") == "1"
    tcl("set off [torch::grad_scaler_new -enabled false -device cpu]")
    assert tcl("torch::grad_scaler_is_enabled $off") == "0"
    assert tcl("torch::grad_scaler_get_scale $off") == "1.0"
    before = tcl.interp.tensor(tcl("set w")).clone()
    tcl("torch::optimizer_zero_grad $o; "
        "set l [torch::grad_scaler_scale $off [torch::tensor_sum $w]]; "
        "torch::tensor_backward $l; torch::grad_scaler_step $off $o; "
        "torch::grad_scaler_update $off")
    assert tcl.interp.tensor(tcl("set l")).item() == before.sum().item()   # not scaled
    assert torch.equal(tcl.interp.tensor(tcl("set w")), before - 0.1)   # a plain SGD step
    rows = tcl("torch::handles -kind scaler")
    assert "GradScaler" in rows and "scale 512.0" in rows


def test_autocast_really_runs_in_reduced_precision(tcl):
    tcl("set a [torch::randn {4 4}]; set b [torch::randn {4 4}]")
    assert tcl("torch::autocast_is_enabled cpu") == "0"
    assert tcl("torch::autocast_enable cpu bfloat16") == "autocast enabled"
    assert tcl("torch::tensor_dtype [torch::tensor_matmul $a $b]") == "BFloat16"
    # the state holds across evaluations, but not in the Python around them
    assert not torch.is_autocast_enabled("cpu")
    assert tcl("torch::autocastIsEnabled -device cpu") == "1"
    assert tcl("torch::tensor_dtype [torch::tensor_matmul $a $b]") == "BFloat16"
    assert tcl("torch::autocast_set_dtype float16 cpu") == "autocast dtype set"
    assert tcl("torch::tensor_dtype [torch::tensor_matmul $a $b]") == "Float16"
    assert tcl("torch::autocast_disable -device_type cpu") == "autocast disabled"
    assert tcl("torch::tensor_dtype [torch::tensor_matmul $a $b]") == "Float32"
    assert tcl("torch::autocastEnable -device cpu -data_type bfloat16") == "autocast enabled"
    assert tcl("torch::tensor_dtype [torch::layer_forward [torch::linear 4 2] $a]") == "BFloat16"
    tcl("torch::autocast_disable cpu")
    assert tcl("torch::autocast_is_enabled") == "0"       # cuda is the default device type


def test_autocast_errors(tcl):
    e = tcl.error
    valid = "Invalid parameters. Device type: cuda or cpu. Dtype: float16, bfloat16, or float32"
    assert e("torch::autocast_enable invalid_device").message == valid
    assert e("torch::autocast_enable -device cuda -dtype invalid_dtype").message == valid
    assert e("torch::autocast_enable -invalid_param cuda").message == (
        "Unknown parameter: -invalid_param. Valid parameters are: -device_type, -device, -dtype, "
        "-data_type")
    assert e("torch::autocast_enable -device_type").message == "Missing value for parameter"
    assert e("torch::autocast_enable cuda float16 extra_arg").message == \
        "Usage: torch::autocast_enable [device_type] [dtype]"
    assert e("torch::autocast_disable -device_type invalid").message == \
        "Invalid device type. Use cuda or cpu"
    assert e("torch::autocast_is_enabled cuda extra_arg").message == \
        "Usage: torch::autocast_is_enabled [device_type]"
    assert e("torch::autocast_set_dtype").message.startswith("Missing required dtype parameter")
    assert e("torch::autocast_set_dtype -invalid_param x").message == (
        "Unknown parameter: -invalid_param. Valid parameters are: -dtype, -data_type, "
        "-device_type, -device")


# Lines whose printed form differs from the page, and why.
PRINTED_DIFFERENTLY = {
    "Huge scale: 1e+08": "the page shows iostream formatting for 1e8, while every other value it "
                         "prints (65536.0, 128.25, 1e-08) is the shortest round-trip form, which "
                         "we use throughout: 100000000.0",
}

GRAD_SCALER_PAGES = ["grad_scaler_new", "grad_scaler_scale", "grad_scaler_step",
                     "grad_scaler_get_scale"]


def _page_blocks(name):
    return re.findall(r"```tcl\n(.*?)```", (SPEC / f"{name}.md").read_text(), re.S)


def _standalone(block):
    """The block uses only variables it sets itself (loop variables and proc arguments count)."""
    defined = set(re.findall(r"\b(?:set|foreach|lappend|incr)\s+(\w+)", block))
    for args in re.findall(r"\bproc\s+\S+\s+\{([^}]*)\}", block):
        defined.update(args.split())
    return "[" in block and set(re.findall(r"\$(\w+)", block)) <= defined


def _expected_lines(block):
    """`puts ... ;# "text"` or `;# text` comments: what the page says the line prints."""
    out = []
    for line in block.splitlines():
        m = re.match(r'\s*puts\s.*;#\s*(.*?)\s*$', line)
        if m:
            out.append(m.group(1).strip('"'))
    return out


@pytest.mark.skipif(not SPEC.is_dir(), reason="the spec pages are not beside this clone")
@pytest.mark.parametrize("page", GRAD_SCALER_PAGES)
def test_grad_scaler_page_examples_print_what_the_page_says(page):
    ran = 0
    for i, block in enumerate(_page_blocks(page)):
        if "..." in block or re.search(r"\?-?\w", block) or not _standalone(block):
            continue    # outlines, syntax summaries, snippets that use another snippet's variables
        if "catch" in block:
            continue    # error examples: their texts are checked in test_scaler_syntaxes_and_errors
        out = []
        tcl = TorchTcl(stdout=out.append)
        tcl.eval(block)
        printed = "".join(out).splitlines()
        expected = _expected_lines(block)
        # zip() alone would let a block that prints nothing (or too little) pass. Blocks with no
        # `;#` annotation state no output to compare.
        if expected:
            assert len(printed) == len(expected), \
                f"{page} block {i}: printed {len(printed)} lines, page shows {len(expected)}"
        for line, want in zip(printed, expected, strict=False):   # lengths checked above
            if want and want not in PRINTED_DIFFERENTLY:
                assert line == want or line.endswith(": " + want.split(": ", 1)[-1]), \
                    f"{page} block {i}: printed {line!r}, page says {want!r}"
        ran += 1
    assert ran >= 2
