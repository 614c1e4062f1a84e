"""Telemetry, the live dashboard, the LR explorer and the magics, through real kernels."""

import queue
import re
import time

import pytest
import torch
from jupyter_client.manager import start_new_kernel
from PIL import Image

from test_kernel import run
from torchtcl_kernel import TorchTcl
from torchtcl_kernel.widgets.plot import POINTS, Curves

N = 30
OVERFLOW = 10

AMP_CELL = f"""
set w [torch::tensor_create {{1.0 -2.0 3.0}} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1 0.9]
set sched [torch::lr_scheduler_step $opt 7 0.5]
set scaler [torch::grad_scaler_new 256.0 2.0 0.5 4]
set scales {{}}; set lrs {{}}
for {{set i 0}} {{$i < {N}}} {{incr i}} {{
    torch::optimizer_zero_grad $opt
    set loss [torch::tensor_sum [torch::tensor_mul $w $w]]
    if {{$i == {OVERFLOW}}} {{ set loss [torch::tensor_mul $loss inf] }}
    torch::tensor_backward [torch::grad_scaler_scale $scaler $loss]
    lappend lrs [torch::get_lr $opt]
    torch::grad_scaler_step $scaler $opt
    torch::grad_scaler_update $scaler
    lappend scales [torch::grad_scaler_get_scale $scaler]
    torch::lr_scheduler_step_update $sched
    torch::log_scalar loss [torch::tensor_item [torch::tensor_sum [torch::tensor_mul $w $w]]]
}}
list $scales $lrs
"""


def _result(msgs):
    return [c for _, k, c in msgs if k == "execute_result"][-1]["data"]["text/plain"]


def _dashboard_series(msgs):
    """The last (non-empty) `series` state the dashboard widget sent over its comm."""
    last = None
    for _, kind, content in msgs:
        if kind in ("comm_open", "comm_msg"):
            state = content.get("data", {}).get("state", {})
            if state.get("series"):
                last = state["series"]
    return last


def _final_series(kc, msgs, timeout=20):
    """The dashboard's last redraw comes right after the cell (off its time): read on until the
    widget has sent every step."""
    series = _dashboard_series(msgs)
    deadline = time.time() + timeout
    while not _complete(series) and time.time() < deadline:
        msg = kc.get_iopub_msg(timeout=deadline - time.time())
        series = _dashboard_series([(0, msg["msg_type"], msg["content"])]) or series
    return series


def _complete(series):
    return series is not None and any(s["kind"] == "scale" and len(s["step"]) == N
                                      for s in series)


def _check_amp_series(series, scales, lrs):
    by = {(s["kind"], s["label"]): s for s in series}
    scale = by[("scale", "scaler1")]
    assert scale["step"] == list(range(1, N + 1))
    assert scale["value"] == scales
    assert [i for i, f in enumerate(scale["skipped"]) if f] == [OVERFLOW]
    lr = by[("lr", "optimizer1")]
    assert lr["value"] == lrs and len(lr["step"]) == N
    assert len(by[("lr", "step_scheduler1")]["value"]) == N
    assert len(by[("scalar", "loss")]["value"]) == N


def _kernel(name):
    km, kc = start_new_kernel(kernel_name=name)
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def tcl_kernel():
    yield from _kernel("torchtcl")


def test_dashboard_comm_traffic_carries_every_step(tcl_kernel, tmp_path):
    reply, msgs = run(tcl_kernel, AMP_CELL)
    assert reply["status"] == "ok"
    result = _result(msgs)
    scales_txt, lrs_txt = re.match(r"\{(.*)\} \{(.*)\}", result).groups()
    scales, lrs = [float(v) for v in scales_txt.split()], [float(v) for v in lrs_txt.split()]
    assert len(scales) == N and scales[OVERFLOW] == scales[OVERFLOW - 1] / 2
    views = [c for _, k, c in msgs if k == "display_data"
             and "application/vnd.jupyter.widget-view+json" in c["data"]]
    assert len(views) == 1, "one dashboard in the cell's output"
    _check_amp_series(_final_series(tcl_kernel, msgs), scales, lrs)

    png = tmp_path / "dashboard.png"
    reply, _ = run(tcl_kernel, f"torch::dashboard save {png}")
    assert reply["status"] == "ok"
    image = Image.open(png)
    assert image.format == "PNG" and image.size[0] > 400
    assert len(image.convert("RGB").getcolors(1 << 20)) > 50, "the picture has curves in it"


def _settle(kc, quiet=1.5):
    """Let a previous cell's final redraw arrive before listening for a new one."""
    while True:
        try:
            kc.get_iopub_msg(timeout=quiet)
        except queue.Empty:
            return


def test_dashboard_off_draws_nothing_and_reset_forgets(tcl_kernel):
    _settle(tcl_kernel)
    run(tcl_kernel, "torch::dashboard off")
    _, msgs = run(tcl_kernel, "torch::grad_scaler_update $scaler")
    assert _dashboard_series(msgs) is None
    run(tcl_kernel, "torch::dashboard on; torch::dashboard reset")
    _, msgs = run(tcl_kernel, "torch::grad_scaler_update $scaler")
    series = _dashboard_series(msgs)
    deadline = time.time() + 20
    while series is None and time.time() < deadline:
        msg = tcl_kernel.get_iopub_msg(timeout=deadline - time.time())
        series = _dashboard_series([(0, msg["msg_type"], msg["content"])])
    assert [s["kind"] for s in series] == ["scale"] and len(series[0]["step"]) == 1


def test_dashboard_cost_counts_its_drawing_while_training(tcl_kernel):
    """A loop longer than the first drawing's delay gets a live drawing; `cost` tells what the
    drawing took, a small share of the loop even when the loop has made a million records by
    then (a drawing reads the records in vectorised passes, and draws a bounded number of points)."""
    _settle(tcl_kernel)
    run(tcl_kernel, "torch::dashboard on; torch::dashboard reset")
    assert _result(run(tcl_kernel, "torch::dashboard cost")[1]) == "draws 0 seconds 0.0"
    reply, msgs = run(tcl_kernel, """
        set start [clock milliseconds]
        while {[clock milliseconds] - $start < 3500} { torch::grad_scaler_update $scaler }
        set took [expr {([clock milliseconds] - $start) / 1000.0}]
        list $took [torch::dashboard cost]""")
    assert reply["status"] == "ok"
    took, draws, seconds = re.match(r"(\S+) \{draws (\d+) seconds (\S+)\}", _result(msgs)).groups()
    assert int(draws) >= 1 and 0 < float(seconds) < 0.1 * float(took)


def test_long_curves_are_thinned_keeping_the_last_point_and_every_skipped_step():
    """What the dashboard draws and sends stays bounded however long training ran; the overflow
    marks, their count and the status line still tell the whole run."""
    telemetry = TorchTcl().telemetry
    n = 100000
    for step in range(1, n + 1):
        telemetry.record("scale", "scaler1", step, "scale", 2.0 ** (step % 17), step % 9973 == 0)
    telemetry.record("lr", "optimizer1", 1, "lr", 0.1)
    curves = Curves(telemetry.records)
    scale = curves.points[("scale", "scaler1")]
    assert POINTS <= len(scale["step"]) <= POINTS + 20
    assert scale["step"] == sorted(set(scale["step"])) and scale["step"][-1] == n
    assert all(v == 2.0 ** (s % 17) for s, v in zip(scale["step"], scale["value"]))
    assert [s for s, f in zip(scale["step"], scale["skipped"]) if f] == list(range(9973, n, 9973))
    assert curves.overflows == {("scale", "scaler1"): 10, ("lr", "optimizer1"): 0}
    assert curves.points[("lr", "optimizer1")] == {"step": [1], "value": [0.1], "skipped": [False]}
    assert curves.last == {"scale": ("scaler1", n, 2.0 ** (n % 17)), "lr": ("optimizer1", 1, 0.1)}


def test_explorer_curve_is_what_training_gets():
    tcl = TorchTcl()
    opts = "-t0 40 -tMult 2 -etaMin 0.001"
    curve = [float(v) for v in tcl.eval(f"torch::lr_explore cosine_annealing_warm_restarts "
                                        f"{opts} -steps 300 -lr 0.05").split()]
    tcl.tk.call("set", "w", tcl.put(torch.zeros(4, requires_grad=True)))
    tcl.tk.call("set", "x", tcl.put(torch.randn(4)))
    trained = tcl.eval(f"""
        set opt [torch::optimizer_adam [list $w] 0.05]
        set s [torch::lr_scheduler_cosine_annealing_warm_restarts -optimizer $opt {opts}]
        set lrs {{}}
        for {{set i 0}} {{$i < 300}} {{incr i}} {{
            lappend lrs [torch::get_lr $opt]
            torch::optimizer_zero_grad $opt
            torch::tensor_backward [torch::tensor_sum [torch::tensor_mul $w $x]]
            torch::optimizer_step $opt
            torch::lr_scheduler_step_update $s
        }}
        set lrs""")
    assert curve == [float(v) for v in trained.split()]
    assert len(tcl.store.names("optimizer")) == 1, "the dry run left no optimizer behind"


def test_explorer_in_the_kernel_shows_a_widget(tcl_kernel, tmp_path):
    csv_file = tmp_path / "curves.csv"
    reply, msgs = run(tcl_kernel, f"llength [torch::lr_explore inverse_sqrt -warmupSteps 400 "
                                  f"-steps 2000 -compare {{{{noam -modelSize 512 -warmupSteps 400}}}} "
                                  f"-save {csv_file}]")
    assert [c["data"]["text/plain"] for _, k, c in msgs if k == "execute_result"] == ["2000"]
    assert any(k == "display_data" for _, k, _ in msgs)
    lines = csv_file.read_text().splitlines()
    assert lines[0].startswith("step,inverse_sqrt") and len(lines) == 2001


@pytest.fixture(scope="module")
def python_kernel():
    yield from _kernel("python3")


def _stdout(msgs):
    return "".join(c["text"] for _, k, c in msgs if k == "stream" and c["name"] == "stdout")


def test_magics_exchange_tensors_without_copying(python_kernel):
    kc = python_kernel
    assert run(kc, "%load_ext torchtcl_kernel")[0]["status"] == "ok"
    run(kc, "import torch\nx = torch.arange(6.0)\nsteps = 3\nnames = ['a', 'b']")
    reply, _ = run(kc, "%%tcl -i x,steps,names -o y -o n -o words\n"
                       "set y [torch::tensor_reshape $x {2 3}]\nset n [expr {$steps * 2}]\n"
                       "set words [linsert $names end c]")
    assert reply["status"] == "ok"
    _, msgs = run(kc, "print(y.data_ptr() == x.data_ptr(), type(y).__name__, tuple(y.shape), "
                      "n, words)")
    assert _stdout(msgs).strip() == "True Tensor (2, 3) 6 ['a', 'b', 'c']"
    _, msgs = run(kc, "%tcl torch::tensor_shape $y")
    assert [c["data"]["text/plain"] for _, k, c in msgs if k == "execute_result"] == ["2 3"]


def test_magics_errors_are_one_line(python_kernel):
    reply, msgs = run(python_kernel, "%%tcl\ntorch::tensor_shape nosuch")
    assert reply["status"] == "error"
    errors = [c for _, k, c in msgs if k == "error"]
    assert errors and errors[0]["traceback"] == ["TclError: Invalid tensor name: nosuch"]


def test_magics_have_the_same_dashboard(python_kernel):
    kc = python_kernel
    run(kc, "%load_ext torchtcl_kernel")
    reply, msgs = run(kc, "%%tcl\n" + AMP_CELL)
    assert reply["status"] == "ok"
    result = _result(msgs)
    scales_txt, lrs_txt = re.match(r"\{(.*)\} \{(.*)\}", result).groups()
    _check_amp_series(_final_series(kc, msgs), [float(v) for v in scales_txt.split()],
                      [float(v) for v in lrs_txt.split()])


def test_explorer_hands_unknown_options_to_the_schedule():
    tcl = TorchTcl()
    curve = tcl.eval("torch::lr_explore step -steps 8 -lr 0.1 -compare {} -stepSize 3")
    assert [float(v) for v in curve.split()] == pytest.approx([0.1] * 3 + [0.01] * 3 + [0.001] * 2)
