"""The kernel's issue-16 features, through real kernel processes: the banner on the control
channel, the kernel's own history and history_request, inspection of handles, the HTML summary
of tensor results, and a static fallback beside every widget."""

import base64
import io
import os
import re
import sqlite3
import time

import pytest
from jupyter_client.manager import KernelManager
from PIL import Image
from test_kernel import run, shell_reply
from test_kernel_robustness import control

from torchtcl_kernel.history import ENV, OUTPUT_LIMIT, history_file
from torchtcl_kernel.kernel import module_html, tensor_html
from torchtcl_kernel.widgets.fallback import widget_bundle

pytestmark = pytest.mark.slow   # starts real processes (kernels, CLIs): `make test-fast` skips it

WIDGET = "application/vnd.jupyter.widget-view+json"


def _start(env, stderr):
    """A kernel with this environment (HOME, IPYTHONDIR, the history) and its stderr to a file."""
    km = KernelManager(kernel_name="torchtcl")
    km.start_kernel(env=env, stderr=stderr)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    return km, kc


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def kernel(home):
    """The history in its default place (JUPYTER_DATA_DIR/torchtcl), IPython's profile in tmp."""
    env = {k: v for k, v in os.environ.items() if k != ENV}
    env.update(HOME=str(home), IPYTHONDIR=str(home / "ipython"),
               JUPYTER_DATA_DIR=str(home / "data"))
    log = home / "kernel.stderr"
    with open(log, "w") as stderr:
        km, kc = _start(env, stderr)
    yield km, kc, log
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def results(msgs):
    return [c["data"] for _, kind, c in msgs if kind == "execute_result"]


def history(kc, **request):
    reply = shell_reply(kc, kc.history(**{"raw": True, "output": False, **request}))
    return reply["content"]


# --- the banner -----------------------------------------------------------------------------------
def test_kernel_info_on_control_and_shell_has_the_banner_and_logs_nothing(kernel):
    _, kc, log = kernel
    logged = log.read_text()
    banners = []
    for _ in range(3):          # as often as a JupyterLab reconnects
        reply, _ = control(kc, "kernel_info_request", {})
        banners.append(reply["content"]["banner"])
        banners.append(shell_reply(kc, kc.kernel_info())["content"]["banner"])
    version = shell_reply(kc, kc.kernel_info())["content"]["language_info"]["version"]
    assert re.match(r"8\.\d+\.\d+$", version)
    assert set(banners) == {banners[0]} and banners[0].startswith(f"Tcl {version} with")
    time.sleep(0.5)             # (the log of a failed handler would be written by now)
    new = log.read_text()[len(logged):]
    assert "Traceback" not in new and "ERROR" not in new, new


# --- history --------------------------------------------------------------------------------------
def test_history_is_the_kernels_own_and_answers_tail_range_and_search(kernel, home):
    _, kc, _ = kernel
    cells = ["set hist_a 1", "set hist_dup 2", "puts hist", "set hist_dup 2", "exit",
             "set hist_b [expr {6 * 7}]"]
    counts = [run(kc, cell)[0]["execution_count"] for cell in cells]
    assert counts == list(range(counts[0], counts[0] + len(cells)))
    run(kc, "set hist_quiet 1", silent=True)
    run(kc, "set hist_unstored 1", store_history=False)

    tail = history(kc, hist_access_type="tail", n=2)
    assert tail["status"] == "ok"
    session = tail["history"][0][0]
    assert tail["history"] == [[session, counts[4], "exit"],
                               [session, counts[5], "set hist_b [expr {6 * 7}]"]]
    assert len(history(kc, hist_access_type="tail")["history"]) == min(10, counts[-1])

    # range: session 0 is this one, and its entries carry its number, as tail's do
    for which in (0, session):
        got = history(kc, hist_access_type="range", session=which, start=counts[1],
                      stop=counts[3])["history"]
        assert got == [[session, counts[1], cells[1]], [session, counts[2], cells[2]]]
    got = history(kc, hist_access_type="range", session=0, start=counts[0], output=True)
    assert got["history"] == [[session, c, [cell, {0: "1", 1: "2", 3: "2", 5: "42"}.get(i)]]
                              for i, (c, cell) in enumerate(zip(counts, cells, strict=True))]

    # search: a glob over every session's cells, oldest first; unique keeps the latest of each
    found = history(kc, hist_access_type="search", pattern="set hist_*")["history"]
    assert [h[1:] for h in found] == [[counts[i], cells[i]] for i in (0, 1, 3, 5)]
    found = history(kc, hist_access_type="search", pattern="set hist_*", unique=True)["history"]
    assert [h[1:] for h in found] == [[counts[i], cells[i]] for i in (0, 3, 5)]
    found = history(kc, hist_access_type="search", pattern="set hist_*", n=2)["history"]
    assert [h[1] for h in found] == [counts[3], counts[5]]
    found = history(kc, hist_access_type="search", pattern="set hist_dup*", unique=True, n=5)
    assert [h[1] for h in found["history"]] == [counts[3]]
    assert history(kc, hist_access_type="search", pattern="*hist_quiet*")["history"] == []
    assert history(kc, hist_access_type="search", pattern="*hist_unstored*")["history"] == []

    # the file is the kernel's own: IPython's profile database is not written
    db = home / "data" / "torchtcl" / "history.sqlite"
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT source_raw FROM history WHERE session = ?",
                              (session,)).fetchall()
    assert [s for (s,) in stored] == cells
    assert (home / "ipython" / "profile_default").is_dir()
    assert not list(home.rglob("ipython/**/history.sqlite"))


def test_a_long_result_is_kept_clipped(kernel):
    _, kc, _ = kernel
    count = run(kc, "string repeat x 20000")[0]["execution_count"]
    (entry,) = history(kc, hist_access_type="range", start=count, output=True)["history"]
    assert entry[2] == ["string repeat x 20000", "x" * OUTPUT_LIMIT + (
        f"\n… (shown: the first {OUTPUT_LIMIT} of 20000 characters; the value is whole in Tcl: "
        "write it to a file to read all of it)")]


def test_lone_surrogates_of_tcl_are_shown_and_the_history_keeps_being_written(kernel, home):
    """Tcl holds lone surrogates, which Unicode text cannot: tkinter gives one as its bytes,
    escaped. A result, an error, a variable and a completion holding one get their replies
    (U+FFFD in what is shown), and the history's writer, which SQLite's refusal of such text
    stopped for the rest of the session, goes on saving the cells after it."""
    _, kc, _ = kernel
    reply, msgs = run(kc, 'set lone_t [torch::zeros {2}]; set "lone\\uD800var" 1; '
                          "set lone [format %c 0xD800]")
    assert reply["status"] == "ok" and results(msgs) == [{"text/plain": "\ufffd"}]
    reply, msgs = run(kc, 'error "lone \\uDC00 error"')
    assert reply["status"] == "error" and reply["evalue"] == "lone \ufffd error"
    reply, _ = run(kc, "set after_lone 1", user_expressions={"v": "set lone"})
    assert reply["user_expressions"]["v"]["data"] == {"text/plain": "\ufffd"}
    complete = shell_reply(kc, kc.complete("set $lone", 9))["content"]
    assert complete["status"] == "ok" and "$lone_t" in complete["matches"]
    # the value stays whole in Tcl: one character, which goes through a command unchanged
    reply, msgs = run(kc, "list [string length $lone] [torch::tensor_numel $lone_t] "
                          "[catch {torch::free $lone} e] [expr {$e eq \"Unknown handle: $lone\"}]")
    assert results(msgs) == [{"text/plain": "1 2 1 1"}]
    count = run(kc, "set after_lone 2")[0]["execution_count"]
    db = home / "data" / "torchtcl" / "history.sqlite"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:      # (IPython's writer is a thread of its own)
        with sqlite3.connect(db) as conn:
            saved = conn.execute("SELECT source_raw FROM history WHERE line = ? AND "
                                 "source_raw = 'set after_lone 2'", (count,)).fetchall()
        if saved:
            break
        time.sleep(0.1)
    assert saved, "the history stopped being written"


def test_where_the_history_is_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv(ENV, raising=False)
    assert history_file() == tmp_path / "data" / "torchtcl" / "history.sqlite"
    assert (tmp_path / "data" / "torchtcl").is_dir()
    monkeypatch.setenv(ENV, str(tmp_path / "elsewhere.sqlite"))
    assert history_file() == tmp_path / "elsewhere.sqlite"
    monkeypatch.setenv(ENV, "")
    assert history_file() == ":memory:"


@pytest.mark.parametrize("request_", [
    {"hist_access_type": "sideways"}, {"hist_access_type": "tail", "n": "three"},
    {"hist_access_type": "tail", "n": -1}, {"hist_access_type": "search", "pattern": 7},
    {"hist_access_type": "range", "start": "1"}, {"hist_access_type": "range", "start": 2**63}])
def test_malformed_history_requests_get_error_replies(kernel, request_):
    _, kc, _ = kernel
    reply = history(kc, **request_)
    assert reply["status"] == "error" and reply["ename"] == "BadRequest", reply
    assert reply["evalue"] and reply["traceback"] == []
    assert run(kc, "expr {1 + 1}")[0]["status"] == "ok"


def test_history_on_the_control_channel(kernel):
    _, kc, _ = kernel
    run(kc, "set via_control 1")
    reply, _ = control(kc, "history_request", {"hist_access_type": "tail", "n": 1,
                                               "raw": True, "output": False})
    assert reply["content"]["history"][0][2] == "set via_control 1"


@pytest.mark.slow  # two kernel starts
def test_a_later_kernel_sees_the_earlier_sessions(tmp_path):
    db = tmp_path / "nested" / "h.sqlite"
    env = {**os.environ, ENV: str(db), "IPYTHONDIR": str(tmp_path / "ipython")}
    sessions = []
    for cell in ("set first 1", "set second 2"):
        km, kc = _start(env, None)
        try:
            run(kc, cell)
            sessions.append(history(kc, hist_access_type="tail", n=1)["history"][0][0])
            if cell == "set second 2":
                # the previous session by its offset, and tail reaching back into it
                assert history(kc, hist_access_type="range", session=-1)["history"] == [
                    [sessions[0], 1, "set first 1"]]
                assert [h[2] for h in history(kc, hist_access_type="tail", n=2)["history"]] \
                    == ["set first 1", "set second 2"]
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=True)
    assert sessions[1] == sessions[0] + 1


# --- inspection ---------------------------------------------------------------------------------
def inspect(kc, code):
    reply = shell_reply(kc, kc.inspect(code, len(code)))["content"]
    assert reply["status"] == "ok" and reply["found"], (code, reply)
    return reply["data"]["text/plain"]


def test_inspecting_a_tensor_shows_what_it_is_and_small_values(kernel):
    _, kc, _ = kernel
    reply, _ = run(kc, "set t [torch::tensor_create {{1.5 2 3} {4 5 6}} -requiresGrad true]; "
                       "set big [torch::zeros {5 5} -dtype int64]")
    assert reply["status"] == "ok"
    name = run(kc, "set t")[1]
    name = results(name)[0]["text/plain"]
    text = inspect(kc, "puts $t")
    lines = text.split("\n")
    assert lines[0] == f"t = {name}"
    assert lines[1:7] == [f"{name}: tensor", "shape: {2 3}", "dtype: Float32", "device: cpu",
                          "requires_grad: true", "bytes: 24"]
    assert "values: tensor([[1.5000, 2.0000, 3.0000]," in text and "4.0000, 5.0000, 6.0000]])" \
        in text
    assert inspect(kc, name) == "\n".join(lines[1:])          # the handle itself, by name
    big = inspect(kc, "$big")
    assert "shape: {5 5}" in big and "dtype: Int64" in big and "requires_grad: false" in big
    assert "values" not in big                                 # 25 elements: too many to show


def test_inspecting_other_handles_gives_one_line(kernel):
    _, kc, _ = kernel
    reply, _ = run(kc, """
        set w [torch::ones {3} -requiresGrad true]
        set opt [torch::optimizer_adam [list $w] 0.003]
        set sch [torch::lr_scheduler_step $opt 5 0.5]
        set sc [torch::grad_scaler_new 1024.0]
        set lin [torch::linear 3 4]
    """)
    assert reply["status"] == "ok"
    expected = {"$opt": r"opt = optimizer\d+\noptimizer\d+: optimizer Adam, lr: 0\.003, "
                        r"betas: \{0\.9 0\.999\}, eps: 1e-08, weight_decay: 0(\.0)?, "
                        r"parameters: 1",
                "$sch": r"sch = step_scheduler\d+\nstep_scheduler\d+: scheduler StepLR, "
                        r"lr: 0\.003, steps: 0",
                "$sc": r"sc = scaler\d+\nscaler\d+: scaler GradScaler, device: cpu, "
                       r"scale: 1024\.0, enabled: true",
                "$lin": r"lin = linear\d+\nlinear\d+: module Linear, in_features=3, "
                        r"out_features=4, bias=True, parameters: 16, training: true"}
    for code, pattern in expected.items():
        assert re.fullmatch(pattern, inspect(kc, code)), (code, inspect(kc, code))
    # a variable that is not a handle reads as before
    run(kc, "set notahandle tensorish")
    assert inspect(kc, "$notahandle") == "notahandle = tensorish"


# --- results -------------------------------------------------------------------------------------
def test_a_tensor_result_has_an_html_summary_beside_its_name(kernel):
    _, kc, _ = kernel
    data = results(run(kc, "torch::ones {3 4} -dtype float64")[1])[0]
    name = data["text/plain"]
    assert re.fullmatch(r"tensor\d+", name)
    page = data["text/html"]
    assert f"<code>{name}</code>: 3×4, Float64, cpu<pre>" in page
    assert "[1., 1., 1., 1.]" in page
    # a long one: a summary, clipped
    page = results(run(kc, "torch::arange 0 100000")[1])[0]["text/html"]
    assert "100000, Float32" in page and "..." in page and page.count("\n") < 12
    tall = results(run(kc, "torch::zeros {40 2}")[1])[0]["text/html"]
    assert tall.count("\n") <= 12 and "…" in tall
    # other results, other handles: text only
    assert results(run(kc, "expr {6 * 7}")[1])[0] == {"text/plain": "42"}
    assert set(results(run(kc, "torch::optimizer_sgd [torch::ones {1}] 0.1")[1])[0]) == \
        {"text/plain"}


def test_a_model_result_has_an_html_table_of_its_layers(kernel):
    _, kc, _ = kernel
    data = results(run(kc, "torch::sequential [list [torch::linear 4 8] [torch::nn_relu] "
                           "[torch::linear 8 2 false]]")[1])[0]
    name = data["text/plain"]
    page = data["text/html"]
    assert f"<code>{name}</code>: Sequential, 56 parameters<table>" in page
    rows = re.findall(r"<tr><td><code>(.*?)</code></td><td>(.*?)</td><td[^>]*>(.*?)</td></tr>",
                      page)
    assert rows == [("0", "Linear", "40"), ("1", "ReLU", "0"), ("2", "Linear", "16")]


def test_html_is_escaped():
    # Handle names are plain words and PyTorch prints no markup: give the summary what the page
    # must not read as HTML, to see that it goes through as text.
    import torch
    page = tensor_html("<b>t&1</b>", torch.empty(2, device="meta"))
    assert page.startswith('<div class="torchtcl-tensor"><code>&lt;b&gt;t&amp;1&lt;/b&gt;</code>')
    assert "device=&#x27;meta&#x27;" in page and "<b>" not in page
    page = module_html("<i>m</i>", torch.nn.Sequential())
    assert "<code>&lt;i&gt;m&lt;/i&gt;</code>" in page and "<i>" not in page


# --- widgets outside a browser ------------------------------------------------------------------
def _png(data):
    return Image.open(io.BytesIO(base64.b64decode(data["image/png"])))


def _readable(text):
    """A summary, not ipywidgets' repr (which spells out a picture's bytes)."""
    return text and "(children=" not in text and "\\x89PNG" not in text and len(text) < 2000


def test_lr_explore_output_has_a_text_and_a_picture(kernel):
    _, kc, _ = kernel
    reply, msgs = run(kc, "llength [torch::lr_explore cosine -tMax 50 -steps 60]")
    assert reply["status"] == "ok", reply
    shown = [c["data"] for _, k, c in msgs if k == "display_data"]
    assert len(shown) == 1 and WIDGET in shown[0]
    assert _readable(shown[0]["text/plain"]), shown[0]["text/plain"]
    assert _png(shown[0]).size[0] > 200


def _picture():
    out = io.BytesIO()
    Image.new("RGB", (8, 4), "red").save(out, "png")
    return out.getvalue()


def test_any_widget_gets_a_summary_and_its_picture():
    """The kernel's formatter, for widgets that carry no fallback of their own."""
    import ipywidgets as widgets
    # (the kernel registers it by this name, so as not to import ipywidgets at start)
    assert (widgets.Widget.__module__, widgets.Widget.__name__) == ("ipywidgets.widgets.widget",
                                                                    "Widget")
    picture = _picture()
    box = widgets.VBox([widgets.Image(value=picture),
                        widgets.HBox([widgets.IntSlider(description="-tMax", value=50),
                                      widgets.Label(value="a note")])])
    assert not _readable(repr(box))
    data, _ = widget_bundle(box)
    assert data["text/plain"] == "VBox: (picture), -tMax 50, a note"
    assert base64.b64decode(data["image/png"]) == picture and WIDGET in data
    data, _ = widget_bundle(widgets.FloatSlider(description="lr", value=0.5))
    assert data["text/plain"] == "FloatSlider: lr 0.5" and "image/png" not in data


def test_a_widget_with_a_fallback_of_its_own_keeps_it():
    import ipywidgets as widgets

    class Own(widgets.VBox):
        def _repr_mimebundle_(self, **kwargs):
            data = super()._repr_mimebundle_(**kwargs)
            return {**data, "text/plain": "my summary", "image/png": "AAAA"}

    data, _ = widget_bundle(Own([widgets.Image(value=_picture())]))
    assert data["text/plain"] == "my summary" and data["image/png"] == "AAAA"


def test_training_output_has_a_readable_text_and_a_picture_at_the_end(kernel):
    _, kc, _ = kernel
    reply, msgs = run(kc, """
        set w [torch::ones {2} -requiresGrad true]
        set o [torch::optimizer_sgd [list $w] 0.1]
        for {set i 0} {$i < 5} {incr i} {
            torch::optimizer_zero_grad $o
            torch::tensor_backward [torch::tensor_sum [torch::tensor_mul $w $w]]
            torch::optimizer_step $o
        }
    """)
    assert reply["status"] == "ok"
    shown = [c["data"] for _, k, c in msgs if k == "display_data"]
    assert len(shown) == 1 and WIDGET in shown[0]
    assert _readable(shown[0]["text/plain"]) and "dashboard" in shown[0]["text/plain"]
    final = [c["data"] for _, k, c in msgs if k == "update_display_data"][-1]
    assert _readable(final["text/plain"]) and "step 5" in final["text/plain"]
    assert WIDGET in final and _png(final).size[0] > 200
