"""Telemetry, the live dashboard, the LR explorer and the magics, through real kernels."""

import base64
import io
import itertools
import re
import time

import numpy as np
import pytest
import torch
from jupyter_client.manager import start_new_kernel
from PIL import Image
from test_kernel import run

from torchtcl_kernel import TorchTcl
from torchtcl_kernel.widgets.plot import dashboard_figure, png
from torchtcl_kernel.widgets.series import LIVE_POINTS, NAMED, Drawn, Stream

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


class Page:
    """What the page's dashboard holds, rebuilt from the kernel's messages by their documented
    meaning (append / replace / tail / reset, then the final snapshot)."""

    def __init__(self):
        self.curves, self.tails, self.deltas, self.snapshot = {}, {}, [], None
        self.carriers = []      # (arrival, {curve: points}) of every message that carried points

    def feed(self, msg, arrived=None):
        if msg["msg_type"] != "comm_msg":
            return
        data = msg["content"]["data"]
        if data.get("method") == "custom" and data["content"].get("type") == "delta":
            self._delta(data["content"], [bytes(b) for b in msg["buffers"]], arrived)
        elif "snapshot" in data.get("state", {}):
            self.snapshot = data["state"]["snapshot"], [bytes(b) for b in msg["buffers"]]
            self.carriers.append((arrived, _snapshot_curves(self)))

    def _delta(self, content, buffers, arrived):
        carried = {}
        self.deltas.append((arrived, carried))
        self.carriers.append((arrived, carried))
        if content["reset"]:
            self.curves, self.tails = {}, {}
        b = 0
        for c in content["curves"]:
            key = (c["kind"], c["label"])
            points = _points(*buffers[b:b + 3])
            b += 3
            old = [] if c["mode"] == "replace" else self.curves.get(key, [])
            self.curves[key] = old + points
            self.tails[key] = []
            if c["tail"]:
                self.tails[key] = _points(*buffers[b:b + 3])
                b += 3
            carried[key] = points + self.tails[key]

    def points(self, key):
        return self.curves.get(key, []) + self.tails.get(key, [])


def _points(step, value, skipped):
    return list(zip(np.frombuffer(step).astype(int).tolist(), np.frombuffer(value).tolist(),
                    [bool(f) for f in skipped], strict=True))


def run_watching(kc, code, timeout=120):
    """Run a cell; every iopub message of it fed to a Page, with its arrival time."""
    page, msgs = Page(), []
    msg_id = kc.execute(code)
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        msgs.append((time.time(), msg["msg_type"], msg["content"]))
        page.feed(msg, time.time())
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            break
    reply = kc.get_shell_msg(timeout=timeout)
    return reply["content"], msgs, page


def _check_amp_curves(points, scales, lrs):
    scale = points(("scale", "scaler1"))
    assert [s for s, _, _ in scale] == list(range(1, N + 1))
    assert [v for _, v, _ in scale] == scales
    assert [i for i, (_, _, f) in enumerate(scale) if f] == [OVERFLOW]
    lr = points(("lr", "optimizer1"))
    assert [v for _, v, _ in lr] == lrs and [s for s, _, _ in lr] == list(range(1, N + 1))
    assert len(points(("scalar", "loss"))) == N
    assert points(("lr", "step_scheduler1")) == [], "no step-shifted copy of the scheduler's LR"


def _snapshot_curves(page):
    state, buffers = page.snapshot
    out, b = {}, 0
    for c in state["curves"]:
        out[(c["kind"], c["label"])] = _points(*buffers[b:b + 3])
        b += 3
    return out


def _snapshot_points(page):
    curves = _snapshot_curves(page)
    return lambda key: curves.get(key, [])


def _kernel(name):
    km, kc = start_new_kernel(kernel_name=name)
    yield kc
    kc.stop_channels()
    km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def tcl_kernel():
    yield from _kernel("torchtcl")


def _amp_values(msgs):
    scales_txt, lrs_txt = re.match(r"\{(.*)\} \{(.*)\}", _result(msgs)).groups()
    return [float(v) for v in scales_txt.split()], [float(v) for v in lrs_txt.split()]


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_every_step_reaches_the_page_and_the_output_keeps_a_picture(tcl_kernel):
    reply, msgs, page = run_watching(tcl_kernel, AMP_CELL)
    assert reply["status"] == "ok"
    scales, lrs = _amp_values(msgs)
    assert len(scales) == N and scales[OVERFLOW] == scales[OVERFLOW - 1] / 2
    views = [c for _, k, c in msgs if k == "display_data"
             and "application/vnd.jupyter.widget-view+json" in c["data"]]
    assert len(views) == 1, "one dashboard in the cell's output"
    # a cell this short (under FLUSH) sends its first step at once, the rest with the final state
    assert [k for k in page.curves] == [("lr", "optimizer1")]
    _check_amp_curves(_snapshot_points(page), scales, lrs)
    assert page.snapshot[0]["final"] and "1 skipped" in page.snapshot[0]["status"]

    # the output's final bundle: the widget view, a picture and a text line for other frontends
    updates = [c for _, k, c in msgs if k == "update_display_data"]
    assert len(updates) == 1
    assert updates[0]["transient"]["display_id"] == views[0]["transient"]["display_id"]
    data = updates[0]["data"]
    assert data["application/vnd.jupyter.widget-view+json"] == \
        views[0]["data"]["application/vnd.jupyter.widget-view+json"]
    image = Image.open(io.BytesIO(base64.b64decode(data["image/png"])))
    assert image.size[0] >= 800 and len(image.convert("RGB").getcolors(1 << 20)) > 50
    assert data["text/plain"].startswith("torchtcl dashboard: finished · step 30 · scaler1 scale")
    assert "DashboardWidget(" not in views[0]["data"]["text/plain"]


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_points_arrive_within_250_ms_in_at_most_ten_messages_a_second(tcl_kernel):
    """Each step logs the kernel's clock; the message that first carries a step must reach the
    client within 250 ms of it (same machine, same clock)."""
    run(tcl_kernel, "torch::dashboard reset")
    reply, _, page = run_watching(tcl_kernel, """
        set o [torch::optimizer_sgd [list [torch::zeros {2} -requiresGrad true]] 0.1]
        for {set i 0} {$i < 80} {incr i} {
            after 20
            torch::optimizer_step $o
            torch::log_scalar sent [expr {[clock microseconds] / 1e6}]
        }""")
    assert reply["status"] == "ok"
    live = [s for s, _, _ in page.points(("scalar", "sent"))]
    assert live == list(range(1, len(live) + 1)) and len(live) >= 70, "most steps arrive live"
    assert [s for s, _, _ in _snapshot_points(page)(("scalar", "sent"))] == list(range(1, 81))
    delays, seen = [], set()
    for arrived, carried in page.carriers:
        for step, value, _ in carried.get(("scalar", "sent"), []):
            if step not in seen:
                seen.add(step)
                delays.append(arrived - value)
    assert len(seen) == 80 and max(delays) < 0.25, sorted(delays)[-5:]
    times = [t for t, _ in page.deltas]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert len(times) >= 6 and min(gaps) >= 0.15, gaps    # batched: FLUSH (0.2 s) apart, at least


def _views(msgs):
    return [c for _, k, c in msgs if k == "display_data"
            and "application/vnd.jupyter.widget-view+json" in c["data"]]


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_off_shows_nothing_and_reset_starts_over(tcl_kernel):
    run(tcl_kernel, "torch::dashboard off")
    _, msgs, page = run_watching(tcl_kernel, "torch::grad_scaler_update $scaler")
    assert _views(msgs) == [] and page.deltas == []
    _, msgs, page = run_watching(tcl_kernel, "torch::dashboard on; torch::dashboard reset; "
                                             "torch::grad_scaler_update $scaler")
    assert len(_views(msgs)) == 1
    assert [k for k in page.curves] == [("scale", "scaler1")] and len(page.curves[
        ("scale", "scaler1")]) == 1


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_on_again_within_a_cell_shows_the_dashboard_at_the_next_step(tcl_kernel):
    """Off, the dashboard asks telemetry for no more records; `on` asks again at once."""
    _, msgs, page = run_watching(tcl_kernel, "torch::dashboard off; torch::dashboard reset; "
                                             "torch::grad_scaler_update $scaler; "
                                             "torch::dashboard on; "
                                             "torch::grad_scaler_update $scaler")
    assert len(_views(msgs)) == 1
    assert len(_snapshot_points(page)(("scale", "scaler1"))) == 2


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_each_training_cell_gets_its_own_dashboard_and_the_first_keeps_its_state(tcl_kernel):
    run(tcl_kernel, "torch::dashboard reset")
    step = "for {set i 0} {$i < 5} {incr i} { torch::grad_scaler_update $scaler }"
    _, first, page1 = run_watching(tcl_kernel, step)
    _, second, page2 = run_watching(tcl_kernel, step)
    ids = [_views(m)[0]["transient"]["display_id"] for m in (first, second)]
    assert ids[0] != ids[1]
    # the first dashboard's final state: its 5 steps; the second goes on from there
    first_steps = [s for s, _, _ in _snapshot_points(page1)(("scale", "scaler1"))]
    assert len(first_steps) == 5 and first_steps == list(range(first_steps[0], first_steps[0] + 5))
    assert [s for s, _, _ in _snapshot_points(page2)(("scale", "scaler1"))] == list(
        range(first_steps[0], first_steps[0] + 10))
    assert len(page2.deltas) == 1 and len(page2.curves[("scale", "scaler1")]) == 6, \
        "the second dashboard's first message: the history so far and its first step"
    assert not [c for _, k, c in second if k == "update_display_data"
                and c["transient"]["display_id"] == ids[0]], "the first output is left alone"


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_cost_is_what_the_dashboard_spent(tcl_kernel):
    """`cost` counts messages and the kernel's CPU seconds for them; a short busy loop of about
    1 ms steps keeps that far under its time (make bench measures the 1 % target)."""
    run(tcl_kernel, "torch::dashboard reset")
    assert _result(run(tcl_kernel, "torch::dashboard cost")[1]) == \
        "messages 0 seconds 0.0 pictures 0 picture_seconds 0.0"
    reply, msgs = run(tcl_kernel, """
        set start [clock milliseconds]
        while {[clock milliseconds] - $start < 2000} {
            torch::grad_scaler_update $scaler; after 1
        }
        expr {([clock milliseconds] - $start) / 1000.0}""")
    took = float(_result(msgs))
    cost = dict(re.findall(r"(\w+) (\S+)", _result(run(tcl_kernel, "torch::dashboard cost")[1])))
    assert 10 <= int(cost["messages"]) <= 10 * took + 2
    assert 0 < float(cost["seconds"]) < 0.05 * took
    assert int(cost["pictures"]) == 1 and float(cost["picture_seconds"]) > 0


def test_long_runs_are_thinned_by_min_max_keeping_spikes_and_skipped_steps():
    """Past LIVE_POINTS a curve goes over in min/max buckets: what the page holds stays bounded,
    and no spike or skipped step is lost; the saved state keeps under its budget too."""
    telemetry = TorchTcl().telemetry
    stream, page, tails = Stream(telemetry), {}, {}
    n = 100_000
    for step in range(1, n + 1):
        spike = 1e6 if step % 7919 == 0 else 0.0
        telemetry.record("scale", "scaler1", step, "scale", 2.0 ** (step % 17), step % 9973 == 0)
        telemetry.record("scalar", "user", step, "loss", 1.0 / step + spike)
        if step % 1000 == 0:
            reset, changes = stream.take()
            for mode, done, tail in changes:
                key = (done.kind, done.label)
                old = [] if mode == "replace" else page.get(key, [])
                page[key] = old + list(zip(done.step.tolist(), done.value.tolist(),
                                           done.skipped.tolist(), strict=True))
                tails[key] = [] if tail is None else list(zip(
                    tail.step.tolist(), tail.value.tolist(), tail.skipped.tolist(), strict=True))
    scale, loss = (page[key] + tails[key] for key in (("scale", "scaler1"), ("scalar", "loss")))
    for points in (scale, loss):
        steps = [s for s, _, _ in points]
        assert len(points) <= LIVE_POINTS and steps == sorted(set(steps)) and steps[-1] == n
    assert [s for s, _, f in scale if f] == list(range(9973, n, 9973))
    assert {s for s, v, _ in loss if v > 1e5} == set(range(7919, n, 7919))
    assert all(v == 2.0 ** (s % 17) for s, v, _ in scale)
    saved = Drawn(telemetry.records).curves()
    assert sum(len(c.step) for c in saved.values()) <= 30_000
    assert {s for s, v in zip(saved[("scalar", "loss")].step,
                              saved[("scalar", "loss")].value, strict=True) if v > 1e5} == \
        set(range(7919, n, 7919))


def test_parameter_groups_show_only_where_they_differ():
    tcl = TorchTcl()
    stream = Stream(tcl.telemetry)
    for step in range(1, 4):
        tcl.telemetry.lrs("optimizer1", step, [0.1, 0.1])
    assert [done.label for _, done, _ in stream.take()[1]] == ["optimizer1"]
    tcl.telemetry.lrs("optimizer1", 4, [0.1, 0.05])
    changes = {done.label: (mode, done.step.tolist()) for mode, done, _ in stream.take()[1]}
    assert changes == {"optimizer1": ("append", [4]),
                       "optimizer1 lr[1]": ("replace", [1, 2, 3, 4])}
    assert "optimizer1 lr[1] 0.05" in stream.status()


def test_past_a_dozen_curves_the_status_and_the_legends_count_the_rest():
    """A loop that logs under a new name at each step makes a curve per step: the status line
    and the picture's legends name the first NAMED curves and count the others."""
    tcl = TorchTcl()
    tcl.eval("set o [torch::optimizer_sgd [list [torch::zeros {2} -requiresGrad 1]] 0.1]")
    tcl.eval("for {set i 0} {$i < 40} {incr i} {torch::optimizer_step $o; "
             "torch::log_scalar s$i 0.5}")
    named = " · ".join(f"s{i} 0.5" for i in range(NAMED - 1))
    drawn = Drawn(tcl.telemetry.records)
    assert drawn.status() == f"finished · step 40 · optimizer1 lr 0.1 · {named} · 29 more curves"
    stream = Stream(tcl.telemetry)
    stream.take()
    assert stream.status() == drawn.status().replace("finished", "training")
    lr, logged = dashboard_figure(drawn).axes
    assert [t.get_text() for t in lr.get_legend().get_texts()] == ["optimizer1"]
    assert [t.get_text() for t in logged.get_legend().get_texts()] == \
        [f"s{i}" for i in range(NAMED)] + ["28 more"]


def test_a_curve_of_one_value_is_a_dot_in_the_picture():
    """A metric logged once, beside a loss logged at every step: the picture draws it (in
    matplotlib's second colour, C1), not a line of no length."""
    tcl = TorchTcl()
    tcl.eval("set o [torch::optimizer_sgd [list [torch::zeros {2} -requiresGrad 1]] 0.1]")
    tcl.eval("for {set i 1} {$i <= 30} {incr i} {torch::optimizer_step $o; "
             "torch::log_scalar loss [expr {1.0 / $i}]}; torch::log_scalar val 0.5 15")
    figure = dashboard_figure(Drawn(tcl.telemetry.records))
    picture = np.asarray(Image.open(io.BytesIO(png(figure))).convert("RGB")).astype(int)
    box = figure.axes[-1].get_window_extent()        # the logged panel (not its legend)
    height = picture.shape[0]
    inside = picture[height - int(box.y1):height - int(box.y0), int(box.x0):int(box.x1)]
    assert (np.abs(inside - [255, 127, 14]).sum(axis=2) < 60).sum() > 10


def test_a_name_holding_a_lone_surrogate_is_named_and_drawn():
    """Tcl holds lone surrogates, which matplotlib refused to draw in a legend (the picture was
    then missing) and the page got as three characters: each is U+FFFD."""
    tcl = TorchTcl()
    tcl.eval('for {set i 1} {$i <= 5} {incr i} {torch::log_scalar "loss\\uD800" [expr {1.0/$i}]}')
    drawn = Drawn(tcl.telemetry.records)
    assert drawn.status().endswith(" · loss\ufffd 0.2")
    assert png(dashboard_figure(drawn)).startswith(b"\x89PNG")


def test_lr_explore_leaves_no_trace_in_handles_or_the_dashboard():
    tcl = TorchTcl()
    tcl.eval("torch::lr_explore cosine -tMax 50 -steps 100")
    assert tcl.eval("torch::optimizer_sgd [list [torch::zeros {2} -requiresGrad true]] 0.1") \
        == "optimizer1"
    assert len(tcl.telemetry.records) == 0


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


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_explorer_in_the_kernel_shows_a_widget(tcl_kernel, tmp_path):
    csv_file = tmp_path / "curves.csv"
    reply, msgs = run(tcl_kernel, f"llength [torch::lr_explore inverse_sqrt -warmupSteps 400 "
                                  f"-steps 2000 "
                                  f"-compare {{{{noam -modelSize 512 -warmupSteps 400}}}} "
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


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
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


@pytest.mark.slow  # starts a process (a kernel, or a fresh Python)
def test_magics_errors_are_one_line(python_kernel):
    reply, msgs = run(python_kernel, "%%tcl\ntorch::tensor_shape nosuch")
    assert reply["status"] == "error"
    errors = [c for _, k, c in msgs if k == "error"]
    assert errors and errors[0]["traceback"] == ["TclError: Invalid tensor name: nosuch"]


@pytest.mark.slow  # over ~3 s
def test_magics_have_the_same_dashboard(python_kernel):
    kc = python_kernel
    run(kc, "%load_ext torchtcl_kernel")
    reply, msgs, page = run_watching(kc, "%%tcl\n" + AMP_CELL)
    assert reply["status"] == "ok"
    scales, lrs = _amp_values(msgs)
    _check_amp_curves(_snapshot_points(page), scales, lrs)
    assert any(k == "update_display_data" and "image/png" in c["data"] for _, k, c in msgs)


def test_explorer_hands_unknown_options_to_the_schedule():
    tcl = TorchTcl()
    curve = tcl.eval("torch::lr_explore step -steps 8 -lr 0.1 -compare {} -stepSize 3")
    assert [float(v) for v in curve.split()] == pytest.approx([0.1] * 3 + [0.01] * 3 + [0.001] * 2)


def test_a_dashboard_without_a_frontend_ends_its_cell_cleanly(capsys):
    """Where display() has no frontend (a plain Python process: make bench's telemetry row), the
    dashboard still shows on the first training record, ends with its cell (state and picture)
    and stops sending."""
    from torchtcl_kernel.widgets.dashboard import LiveDashboard
    tcl = TorchTcl()
    dashboard = LiveDashboard(tcl)
    tcl.telemetry.record("scale", "scaler1", 1, "scale", 2.0)
    assert dashboard.widget is not None and "torchtcl dashboard" in capsys.readouterr().out
    dashboard.cell_finished()
    assert dashboard.widget is None and dashboard.pictures == 1
    sent = dashboard.messages
    time.sleep(0.6)                          # past COVER: a live sender would have sent again
    tcl.telemetry.record("scalar", "user", 2, "loss", 1.0)
    time.sleep(0.6)
    assert dashboard.messages == sent
