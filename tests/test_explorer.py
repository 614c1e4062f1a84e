"""The LR explorer (`torch::lr_explore`): errors that name the option, the widget's sliders,
message line and recovery, its code for the current settings, and the picture's legend.

The widget is the real ipywidgets object, driven headless: a slider's value is set as the page would
set it, and what the widget then shows (curves, picture, message, code) is read back."""

import base64
import gc
import io

import pytest
from PIL import Image
from test_kernel import run

from torchtcl_kernel import TorchTcl
from torchtcl_kernel.widgets import attach_live
from torchtcl_kernel.widgets.plot import curves_figure


def floats(text):
    return [float(v) for v in text.split()]


@pytest.fixture
def live():
    """An interpreter with the notebook's views, as the kernel attaches them."""
    with TorchTcl(stdout=lambda s: None) as tcl:
        yield attach_live(tcl)


def explore(tcl, script):
    """Run an lr_explore script; the explorer widget it showed."""
    tcl.eval(script)
    return tcl.explorer.view


# --- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize("script, message", [
    ("one_cycle -steps 200", "lr_explore one_cycle: -maxLr is required (a positive number)"),
    ("one_cycle -maxLr 0.1", "lr_explore one_cycle: -totalSteps is required (a positive integer)"),
    ("cosine -tMax 0", "lr_explore cosine: -tMax must be a positive integer, got 0"),
    ("cosine -T_max abc", "lr_explore cosine: -T_max must be a positive integer, got abc"),
    ("one_cycle -maxLr 0.1 -totalSteps 100 -pctStart 1.5",
     "lr_explore one_cycle: -pctStart must be a number between 0 and 1 (exclusive), got 1.5"),
    ("exponential_decay -gamma 2",
     "lr_explore exponential_decay: -gamma must be a number > 0 and <= 1, got 2"),
    ("one_cycle -maxLr 0.1 -totalSteps 100 -annealStrategy cosine",
     "lr_explore one_cycle: -annealStrategy must be one of cos, linear, got cosine"),
    ("multi_step -gamma 0.5",
     "lr_explore multi_step: -milestones is required (a list of integers)"),
    ("noam -warmupSteps 10", "lr_explore noam: -modelSize is required (a positive integer)"),
    ("one_cycle -maxLr 0.1 -totalSteps 100 -steps 200",
     "lr_explore one_cycle: -steps 200 is more than -totalSteps 100 allows (at most 101 steps)"),
    ("linear_with_warmup -numWarmupSteps 300 -numTrainingSteps 200",
     "lr_explore linear_with_warmup: numWarmupSteps must not exceed numTrainingSteps"),
    ("cosine -tMax 10 -compare {{noam -modelSize 0}}",
     "lr_explore noam: -modelSize must be a positive integer, got 0"),
])
def test_errors_name_the_schedule_and_the_option(tcl, script, message):
    assert tcl.error("torch::lr_explore " + script).message == message


def test_scheduler_commands_keep_the_reference_texts(tcl):
    tcl("set opt [torch::optimizer_sgd [list [torch::zeros {2} -requiresGrad true]] 0.1]")
    assert tcl.error("torch::lr_scheduler_cosine -optimizer $opt -tMax 0").message == \
        "Required parameters missing or invalid"
    assert tcl.error("torch::lr_scheduler_inverse_sqrt -optimizer $opt").message == \
        "Required parameters missing or invalid (optimizer handle and warmup_steps required...)"


def test_a_schedule_with_a_base_lr_of_its_own_takes_the_explorers(tcl):
    # lr_explore reads -baseLr as its -lr: cyclic's base LR is that one
    curve = floats(tcl("torch::lr_explore cyclic -baseLr 0.01 -maxLr 0.11 -stepSize 10 -steps 21"))
    assert curve[0] == pytest.approx(0.01) and curve[10] == pytest.approx(0.11)
    assert curve[20] == pytest.approx(0.01)


# --- the widget ---------------------------------------------------------------------------------
def test_sliders_move_the_first_curve(live):
    view = explore(live, "torch::lr_explore cosine -tMax 100 -etaMin 0.001 -steps 200 -lr 0.1")
    picture = view.image.value
    view.sliders["-tMax"].value = 50
    assert view.error is None
    assert list(view.curves) == ["cosine -tMax 50 -etaMin 0.001"]
    assert view.curves["cosine -tMax 50 -etaMin 0.001"] == \
        floats(live.eval("torch::lr_explore cosine -tMax 50 -etaMin 0.001 -steps 200 -lr 0.1"))
    assert view.image.value != picture
    view.lr.value = 0.5
    view.steps.value = 120
    curve = next(iter(view.curves.values()))
    assert len(curve) == 120 and curve[0] == pytest.approx(0.5)


def test_sliders_have_room_and_ranges_around_the_values(live):
    view = explore(live, "torch::lr_explore one_cycle -maxLr 0.004 -totalSteps 1000 "
                         "-pctStart 0.3 -steps 1000 -lr 0.004")
    total, pct = view.sliders["-totalSteps"], view.sliders["-pctStart"]
    assert (total.min, total.value, total.max) == (250, 1000, 4000)
    assert 0 < pct.min < 0.3 < pct.max < 1, "pctStart stays within (0, 1)"
    assert view.lr.value == pytest.approx(0.004)
    width = float(total.style.description_width.removesuffix("em"))
    assert width >= 0.6 * len("-totalSteps"), "the longest label fits"
    assert {s.style.description_width for s in [*view.sliders.values(), view.lr, view.steps]} \
        == {total.style.description_width}, "labels aligned"
    isqrt = explore(live, "torch::lr_explore inverse_sqrt -warmupSteps 4000 -steps 100")
    assert (isqrt.sliders["-warmupSteps"].min, isqrt.sliders["-warmupSteps"].max) == (1000, 16000)


def test_steps_stay_within_what_every_schedule_allows(live):
    view = explore(live, "torch::lr_explore inverse_sqrt -warmupSteps 100 -steps 1000 "
                         "-compare {{one_cycle -maxLr 0.01 -totalSteps 1000}}")
    assert view.steps.max == 1001, "OneCycleLR takes totalSteps + 1 points"
    view.steps.value = 4000            # typed into the readout: clamped, not an error
    assert view.steps.value == 1001 and view.error is None
    assert {len(c) for c in view.curves.values()} == {1001}

    main = explore(live, "torch::lr_explore one_cycle -maxLr 0.01 -totalSteps 300 -steps 300")
    main.sliders["-totalSteps"].value = 100
    assert main.steps.max == 101 and main.steps.value == 101 and main.error is None
    assert main.curves == {"one_cycle -maxLr 0.01 -totalSteps 100": floats(live.eval(
        "torch::lr_explore one_cycle -maxLr 0.01 -totalSteps 100 -steps 101"))}


def test_an_error_is_shown_and_the_widget_keeps_working(live):
    view = explore(live, "torch::lr_explore linear_with_warmup -numWarmupSteps 100 "
                         "-numTrainingSteps 200 -steps 300")
    before, picture = dict(view.curves), view.image.value
    view.sliders["-numWarmupSteps"].value = 300
    message = "lr_explore linear_with_warmup: numWarmupSteps must not exceed numTrainingSteps"
    assert view.error == message and message in view.message.value
    assert view.curves == before and view.image.value == picture, "the last good picture stays"
    view.sliders["-numWarmupSteps"].value = 50
    assert view.error is None and view.message.value == ""
    assert list(view.curves) == ["linear_with_warmup -numWarmupSteps 50 -numTrainingSteps 200"]
    assert view.image.value != picture


def test_comparing_says_which_curve_the_sliders_move(live):
    view = explore(live, "torch::lr_explore inverse_sqrt -warmupSteps 100 -steps 400 "
                         "-compare {{noam -modelSize 512 -warmupSteps 100} {cosine -tMax 400}}")
    note = view.box.children[2].value
    assert "sliders move the first curve (inverse_sqrt -warmupSteps 100)" in note
    view.sliders["-warmupSteps"].value = 50
    assert list(view.curves) == ["inverse_sqrt -warmupSteps 50",
                                 "noam -modelSize 512 -warmupSteps 100", "cosine -tMax 400"]
    alone = explore(live, "torch::lr_explore cosine -tMax 400")
    assert alone.box.children[2].value == ""


# --- copy as code -------------------------------------------------------------------------------
@pytest.mark.parametrize("script, slider, value", [
    ("cosine -tMax 100 -etaMin 0.001 -steps 150", "-tMax", 60),
    ("one_cycle -maxLr 0.01 -totalSteps 300 -pctStart 0.3 -steps 300 -lr 0.004", "-pctStart",
     0.5),
    ("inverse_sqrt -warmupSteps 40 -decayFactor 0.5 -steps 200", "-warmupSteps", 20),
    ("noam -modelSize 512 -warmupSteps 40 -steps 200", "-modelSize", 256),
    ("lambda -multiplier {e {expr {0.5 ** ($e / 10)}}} -steps 60", None, None),
    ("plateau -patience 3 -factor 0.5 -steps 40 -metric 2.0", "-patience", 5),
    ("multi_step -milestones {30 10} -gamma 0.5 -steps 50", "-gamma", 0.2),
    ("cosine -tMax 50 -steps 100 -compare {{step -stepSize 20}}", "-tMax", 25),
])
def test_the_code_shown_makes_the_same_curve(live, script, slider, value):
    view = explore(live, "torch::lr_explore " + script)
    if slider:
        view.sliders[slider].value = value
    assert view.error is None
    first = next(iter(view.curves.values()))
    namespace = {}
    exec(view.python, namespace)                    # noqa: S102 -- the code we show, run
    assert namespace["lrs"] == first
    assert view.tcl.startswith("torch::lr_explore ")
    assert ("-metric 2.0" in view.tcl) == ("-metric" in script)
    with TorchTcl() as fresh:
        assert floats(fresh.eval(view.tcl)) == first, "the Tcl command makes the same curve"
    assert view.tcl in view.code.value.replace("&quot;", '"').replace("&#x27;", "'") \
        .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def test_the_static_output_has_the_picture_and_the_code(live):
    view = explore(live, "torch::lr_explore cosine -tMax 100 -steps 100")
    data = view.box._repr_mimebundle_()
    assert Image.open(io.BytesIO(base64.b64decode(data["image/png"]))).format == "PNG"
    assert "torch::lr_explore cosine -tMax 100 -steps 100 -lr 0.1" in data["text/plain"]
    assert "lr_scheduler.CosineAnnealingLR(optimizer, T_max=100, eta_min=0.0)" in data["text/plain"]


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_the_kernel_output_keeps_the_picture_and_the_code():
    from jupyter_client.manager import start_new_kernel
    km, kc = start_new_kernel(kernel_name="torchtcl")
    try:
        reply, msgs = run(kc, "llength [torch::lr_explore step -stepSize 10 -steps 30]")
        assert reply["status"] == "ok"
        shown = [c["data"] for _, k, c in msgs if k == "display_data"]
        assert len(shown) == 1 and "application/vnd.jupyter.widget-view+json" in shown[0]
        picture = Image.open(io.BytesIO(base64.b64decode(shown[0]["image/png"])))
        assert picture.format == "PNG"
        assert "lr_scheduler.StepLR(optimizer, step_size=10, gamma=0.1)" in \
            shown[0]["text/plain"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


# --- the picture --------------------------------------------------------------------------------
def test_the_legend_is_beside_the_curves_not_on_them():
    long = "lambda -multiplier {e {expr {$e < 100 ? $e / 100.0 : " + "0.99 ** ($e - 100) * " * 8 \
        + "1.0}}}"
    fig = curves_figure({long: [0.0, 0.1, 0.05], "inverse_sqrt -warmupSteps 100": [0.0, 0.1, 0.07]})
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (legend,), (ax,) = fig.legends, fig.axes
    box, axes, page = legend.get_window_extent(renderer), ax.get_window_extent(renderer), fig.bbox
    assert box.y1 <= axes.y0, "under the axes, not over the warmup"
    assert page.x0 <= box.x0 and box.x1 <= page.x1 and box.y0 >= page.y0, "inside the picture"


def test_a_widget_outliving_its_interpreter_says_so():
    tcl = attach_live(TorchTcl(stdout=lambda s: None))
    view = explore(tcl, "torch::lr_explore cosine -tMax 100 -steps 50")
    tcl.close()
    del tcl                  # the widget holds the interpreter weakly: it is gone now
    gc.collect()
    view.sliders["-tMax"].value = 50
    assert view.error == "the interpreter this explorer ran in is gone: run the cell again"
    assert "run the cell again" in view.message.value


# --- planned against actual (-against) ----------------------------------------------------------
TRAIN = """
set w [torch::tensor_create {1.0 -2.0 3.0} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.05]
set sched [torch::lr_scheduler_step $opt 3 0.5]
set scaler [torch::grad_scaler_new -initScale 1024.0]
set used {}
proc train {steps overflow} {
    global w opt sched scaler used
    for {set i 0} {$i < $steps} {incr i} {
        torch::optimizer_zero_grad $opt
        set loss [torch::tensor_sum [torch::tensor_mul $w $w]]
        if {$i == $overflow} { set loss [torch::tensor_mul $loss inf] }
        lappend used [torch::get_lr $opt]
        torch::tensor_backward [torch::grad_scaler_scale $scaler $loss]
        torch::grad_scaler_step $scaler $opt
        torch::grad_scaler_update $scaler
        torch::lr_scheduler_step_update $sched
    }
}
"""


def trained(tcl, steps=8, overflow=4):
    """A real AMP loop: SGD at 0.05, StepLR halving every 3 steps, the loss made inf at step
    `overflow` (0-based, so the scaler skips that update); what get_lr said before each step."""
    tcl.eval(TRAIN)
    tcl.eval(f"train {steps} {overflow}")
    return floats(tcl.eval("set used"))


def test_against_an_optimizer_that_has_not_stepped_is_an_error(tcl):
    tcl("set opt [torch::optimizer_sgd [list [torch::zeros {2} -requiresGrad true]] 0.1]")
    assert tcl.error("torch::lr_explore step -stepSize 3 -against $opt").message == \
        "lr_explore: optimizer1 has no recorded learning rates yet (train a step first)"
    assert tcl.error("torch::lr_explore step -stepSize 3 -against nosuch").message == \
        "lr_explore: -against nosuch is not an optimizer handle"


def test_against_overlays_the_lr_the_optimizer_used(live, tmp_path):
    used = trained(live)
    assert used == [0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125], "the schedule ran"
    view = explore(live, "torch::lr_explore step -stepSize 3 -gamma 0.5 -steps 10 -against $opt")
    actual = view.actual
    assert actual.label == "actual: optimizer1"
    assert actual.steps == list(range(8)) and actual.values == used
    assert actual.skipped == [4], "the overflowing step, where the scaler skipped the update"
    # without -lr the plan starts from the optimizer's base LR, so it lines up with what was used
    plan = next(iter(view.curves.values()))
    assert plan[:8] == used and len(plan) == 10

    # the picture: the actual LR as steps over the plan, the skipped step as a red x there
    fig = curves_figure(view.curves, actual=actual)
    (ax,) = fig.axes
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert list(lines["actual: optimizer1"].get_xdata()) == actual.steps
    assert list(lines["actual: optimizer1"].get_ydata()) == used
    skip = lines["actual: optimizer1: step skipped by the scaler (1)"]
    assert (list(skip.get_xdata()), list(skip.get_ydata()), skip.get_marker()) == \
        ([4], [used[4]], "x")
    assert view.image.value != explore(live, "torch::lr_explore step -stepSize 3 -gamma 0.5 "
                                             "-steps 10 -lr 0.05").image.value

    # a slider redraws the plan, the actual curve stays; the code shown keeps -against
    view.sliders["-stepSize"].value = 2
    assert view.error is None and view.actual is actual
    assert view.tcl.endswith(" -against optimizer1")
    assert floats(live.eval(view.tcl)) == next(iter(view.curves.values()))
    assert live.explorer.view.actual == actual


def test_against_in_the_csv_and_the_png(tmp_path):
    from torchtcl_kernel.widgets import attach_headless
    with TorchTcl(stdout=lambda s: None) as tcl:
        attach_headless(tcl)
        used = trained(tcl, steps=5, overflow=1)
        tcl.eval(f"torch::lr_explore step -stepSize 3 -gamma 0.5 -steps 7 -against $opt "
                 f"-save {tmp_path / 'lr.csv'}")
        rows = (tmp_path / "lr.csv").read_text().splitlines()
        assert rows[0] == "step,step -stepSize 3 -gamma 0.5,actual: optimizer1"
        cells = [row.split(",") for row in rows[1:]]
        assert [int(c[0]) for c in cells] == list(range(7))
        assert [float(c[2]) for c in cells[:5]] == used
        assert [c[2] for c in cells[5:]] == ["", ""], "steps not trained yet: empty"
        # more steps trained than planned: the rows go on, the plan's cells empty
        tcl.eval(f"torch::lr_explore step -stepSize 3 -gamma 0.5 -steps 3 -against $opt "
                 f"-save {tmp_path / 'short.csv'}")
        rows = (tmp_path / "short.csv").read_text().splitlines()
        assert len(rows) == 6 and rows[-1] == f"4,,{used[4]!r}"

        tcl.eval(f"torch::lr_explore step -stepSize 3 -steps 7 -against $opt "
                 f"-save {tmp_path / 'lr.png'}")
        tcl.eval(f"torch::lr_explore step -stepSize 3 -steps 7 -lr 0.05 "
                 f"-save {tmp_path / 'plan.png'}")
        with Image.open(tmp_path / "lr.png") as picture:
            assert picture.format == "PNG"
        assert (tmp_path / "lr.png").read_bytes() != (tmp_path / "plan.png").read_bytes()


def test_the_skipped_steps_are_this_optimizers(tcl):
    """A scaler's update that found inf/NaN marks the optimizer's step since the previous update,
    and only when the optimizer stepped in that iteration."""
    from torchtcl_kernel.commands.telemetry import followed
    tcl.interp.eval(TRAIN)
    tcl("train 3 1; train 3 2")
    # another optimizer overflows under the same scaler: its step is skipped, not optimizer1's
    tcl("""set v [torch::tensor_create {1.0 2.0} -requiresGrad true]
           set opt2 [torch::optimizer_sgd [list $v] 0.1]
           set loss [torch::tensor_mul [torch::tensor_sum [torch::tensor_mul $v $v]] inf]
           torch::tensor_backward [torch::grad_scaler_scale $scaler $loss]
           torch::grad_scaler_step $scaler $opt2
           torch::grad_scaler_update $scaler""")

    def actual(name):
        return followed(tcl.interp, tcl.interp.store.get(tcl(f"set {name}"), "optimizer"))
    assert actual("opt").steps == list(range(6)) and actual("opt").skipped == [1, 5]
    assert actual("opt2").skipped == [0]
