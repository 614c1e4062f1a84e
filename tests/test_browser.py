"""A person's view, in headless Chromium: the live dashboard in JupyterLab and Notebook 7 while a
cell trains, notebooks/amp_workflow.ipynb run as a person would, and a saved notebook reopened.

Chromium is Debian's (`apt-get install chromium`; .ci/run installs it); playwright only drives it.
The test skips, saying why, only when no Chromium binary can be found. JupyterLab listens on
127.0.0.1 on a free port with a token, in a temporary root with its own settings; the notebook is
a copy, so nothing in the repository changes. Screenshots go to out/.
"""

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

import pytest
from conftest import ROOT

from torchtcl_kernel.widgets.series import LIVE_POINTS

pytestmark = pytest.mark.slow  # a real browser: `make test-fast` skips it

NOTEBOOK = ROOT / "notebooks" / "amp_workflow.ipynb"
CNN_NOTEBOOK = ROOT / "notebooks" / "cnn_amp.ipynb"
DIST_NOTEBOOK = ROOT / "notebooks" / "distributed.ipynb"
OUT = ROOT / "out"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# JupyterLab settings for a quiet, deterministic page: every cell stays in the DOM (no windowing),
# and no news or update checks (there is no network here anyway).
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        {"fetchNews": "false", "checkForUpdates": False},
}


def find_chromium():
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base, token, path, method="GET", timeout=5):
    request = urllib.request.Request(f"{base}{path}", method=method,
                                     headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
    return json.loads(body) if body else None


@pytest.fixture
def chromium():
    path = find_chromium()
    if path is None:
        pytest.skip("Chromium not found (install Debian's `chromium` package: "
                    "apt-get install -y chromium); the browser test needs a real browser")
    return path


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on a free loopback port; always stopped, with its kernels."""
    root = tmp_path / "root"
    root.mkdir()
    for notebook in (NOTEBOOK, CNN_NOTEBOOK, DIST_NOTEBOOK):
        shutil.copy(notebook, root / notebook.name)
    write_notebook(root / LIVE_NOTEBOOK, [LIVE_SETUP, LIVE_TRAINING])
    settings = tmp_path / "settings" / "user-settings"
    for name, values in LAB_SETTINGS.items():
        package, plugin = name.rsplit("/", 1)
        (settings / package).mkdir(parents=True, exist_ok=True)
        (settings / package / plugin).write_text(json.dumps(values))
    env = {**os.environ,
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_SETTINGS_DIR": str(settings),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces")}
    port, token = free_port(), uuid.uuid4().hex
    base = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "lab.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--port-retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.news_url=None", "--LabApp.extension_manager=readonly",
         "--ServerApp.terminals_enabled=False", "--allow-root"],
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=root,
        start_new_session=True)
    try:
        deadline = time.time() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited ({proc.returncode}):\n"
                            + (tmp_path / "lab.log").read_text(errors="replace")[-3000:])
            try:
                api(base, token, "/api/status")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.time() > deadline:
                    pytest.fail("JupyterLab did not answer within 60 s")
                time.sleep(0.3)
        yield base, token, root
    finally:
        _stop_lab(proc, base, token)
        log.close()


def _stop_lab(proc, base, token):
    """Shut the kernels down through the API, then the server; escalate only if it hangs."""
    if proc.poll() is None:
        try:
            for kernel in api(base, token, "/api/kernels"):
                api(base, token, f"/api/kernels/{kernel['id']}", method="DELETE", timeout=15)
        except (urllib.error.URLError, OSError, ValueError):
            pass
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)       # the group we started: the server alone
            proc.wait(timeout=10)


def write_notebook(path, cells):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook
    nb = new_notebook(metadata={"kernelspec": {"name": "torchtcl", "display_name": "Tcl (torch)",
                                               "language": "tcl"}})
    nb.cells = [new_code_cell(source) for source in cells]
    nbformat.write(nb, path)


# A 20 s AMP training cell (an MLP, autocast bf16, a grad scaler that grows every 200 clean steps,
# an overflow every 700 steps, a cosine schedule, the loss logged), as a user would write it. It
# stops early at LIVE_STEPS, below the dashboard's LIVE_POINTS, so that every step's point must
# reach the page however fast the machine (this one does 11000 steps in 20 s).
LIVE_NOTEBOOK = "live_dashboard.ipynb"
LIVE_SECONDS = 20
LIVE_STEPS = 9000
LIVE_SETUP = """
torch::manual_seed 0
set x [torch::randn {256 784}]
set y [torch::tensor_to [torch::tensor_mul [torch::rand {256}] 9.99] cpu int64]
set model [torch::sequential [list [torch::linear 784 256] [torch::linear 256 10]]]
set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.05 0.9]
set sched [torch::lr_scheduler_cosine $opt 8000]
set scaler [torch::grad_scaler_new -initScale 1024.0 -growthInterval 200 -device cpu]
puts ready
"""
LIVE_TRAINING = f"""
set start [clock milliseconds]
set steps 0
while {{[clock milliseconds] - $start < {LIVE_SECONDS * 1000} && $steps < {LIVE_STEPS}}} {{
    torch::optimizer_zero_grad $opt
    torch::autocast_enable cpu bfloat16
    set loss [torch::cross_entropy_loss [torch::layer_forward $model $x] $y]
    torch::autocast_disable cpu
    incr steps
    if {{$steps % 700 == 0}} {{ set loss [torch::tensor_mul $loss inf] }}
    torch::tensor_backward [torch::grad_scaler_scale $scaler $loss]
    torch::grad_scaler_step $scaler $opt
    torch::grad_scaler_update $scaler
    torch::lr_scheduler_step_update $sched
    torch::log_scalar loss [torch::tensor_item $loss]
}}
puts "trained $steps steps in [expr {{[clock milliseconds] - $start}}] ms"
"""

# The notebook's toolbar names the kernel, and the kernel is idle (JupyterLab).
KERNEL_READY = """(name) => {
    const kernel = document.querySelector('.jp-NotebookPanel-toolbar .jp-KernelName');
    const state = document.querySelector('.jp-NotebookPanel .jp-Notebook-ExecutionIndicator');
    return kernel !== null && kernel.textContent.includes(name) && state !== null
        && state.dataset.status === 'idle';
}"""
# Every code cell has run: its prompt shows an execution count, not "[*]" or "[ ]".
ALL_CELLS_RAN = """(n) => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')];
    return prompts.length === n && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""
# The live dashboards in the page: their status line and the points each curve holds.
DASHBOARDS = """() => [...document.querySelectorAll('.torchtcl-dashboard')].map(d => {
    const host = d.parentElement;
    const canvas = d.querySelector('canvas');
    return {status: d.querySelector('.torchtcl-status').textContent,
            points: JSON.parse(host.dataset.points || '{}'),
            messages: Number(host.dataset.messages || 0),
            width: d.getBoundingClientRect().width,
            output: d.closest('.jp-OutputArea-output').getBoundingClientRect().width,
            canvas: canvas ? [canvas.width, canvas.getBoundingClientRect().width] : null,
            panels: d.querySelectorAll('.torchtcl-panel').length};
})"""


# Each dashboard panel's legend: the curves it names (shown rows), and what it counts past them.
LEGENDS = """() => [...document.querySelectorAll('.torchtcl-panel')].map(p => ({
    named: [...p.querySelectorAll('.u-legend .u-series')].filter(r => r.style.display !== 'none')
        .map(r => r.querySelector('.u-label').textContent),
    more: p.querySelector('.torchtcl-more') ? p.querySelector('.torchtcl-more').textContent : null,
}))"""


# Pixels of the page's last dashboard panel in a colour [r, g, b].
PIXELS_OF = """(rgb) => {
    const canvas = [...document.querySelectorAll('.torchtcl-panel canvas')].pop();
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
        const off = Math.abs(data[i] - rgb[0]) + Math.abs(data[i + 1] - rgb[1])
            + Math.abs(data[i + 2] - rgb[2]);
        if (off < 60 && data[i + 3] > 200) n++;
    }
    return n;
}"""


@contextlib.contextmanager
def opened(chromium, tmp_path, url, scale=1):
    """A page of Debian's Chromium at url (screen pixel ratio `scale`). What the page's scripts
    throw is kept in page.errors: a broken dashboard shows up there. On a failure, a screenshot
    goes to out/browser_failure.png and the errors are printed."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=chromium, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1100},
            device_scale_factor=scale)
        page = context.pages[0] if context.pages else context.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
        try:
            page.set_default_timeout(60_000)
            page.goto(url)
            yield page
        except Exception:
            page.screenshot(path=str(OUT / "browser_failure.png"))
            print("page errors:", page.errors)
            raise
        finally:
            context.close()


def run_all(page):
    """Run > Run All Cells, as a person would (JupyterLab and Notebook 7 share the menu)."""
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def step_of(status):
    match = re.search(r"step (\d+)", status)
    return int(match.group(1)) if match else None


def test_dashboard_is_live_in_jupyterlab(chromium, lab, tmp_path):
    """While a 20 s cell trains, the page's dashboard moves every second; every step's points
    reach it; it renders sharp at the output's width; zoom, the log and EMA toggles work."""
    base, token, _ = lab
    OUT.mkdir(exist_ok=True)
    url = f"{base}/lab/tree/{LIVE_NOTEBOOK}?token={token}"
    with opened(chromium, tmp_path, url, scale=2) as page:
        page.wait_for_function(KERNEL_READY, arg="Tcl (torch)", timeout=90_000)
        run_all(page)
        page.wait_for_selector(".torchtcl-dashboard canvas", timeout=60_000)
        started = time.time()
        samples = []
        while time.time() - started < LIVE_SECONDS + 2:
            boards = page.evaluate(DASHBOARDS)
            samples.append(step_of(boards[0]["status"]) if boards else None)
            if len(samples) == 10:
                page.locator(".torchtcl-dashboard").first.screenshot(
                    path=str(OUT / "dashboard_live_mid.png"))
            page.wait_for_timeout(1000)
        page.wait_for_function(ALL_CELLS_RAN, arg=2, timeout=60_000)
        page.wait_for_function("() => document.querySelector('.torchtcl-status')"
                               ".textContent.startsWith('finished')", timeout=30_000)
        text = page.inner_text(".jp-NotebookPanel .jp-Notebook")
        steps, ran = map(int, re.search(r"trained (\d+) steps in (\d+) ms", text).groups())
        distinct = {s for s in samples if s is not None}
        # a new step shown at (nearly) every one-second sample while the cell ran
        assert len(distinct) >= min(15, ran // 1000 - 4), (ran, samples)

        board = page.evaluate(DASHBOARDS)[0]
        assert board["panels"] == 3, board
        assert f"step {steps}" in board["status"], board
        assert f"{steps // 700} skipped" in board["status"], board
        # every step reached the page: the final state holds them all (under 10000 steps)
        assert steps <= LIVE_POINTS and board["points"]["scale:scaler1"] == steps, (steps, board)
        assert board["points"]["lr:optimizer1"] == steps
        assert "lr:step_scheduler1" not in board["points"], "no step-shifted scheduler copy"
        # sharp: as wide as the output, the canvas at the screen's pixel ratio
        assert abs(board["width"] - board["output"]) < 30, board
        canvas_px, css_px = board["canvas"]
        assert canvas_px == round(css_px * 2), board

        dash = page.locator(".torchtcl-dashboard").first
        dash.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        dash.screenshot(path=str(OUT / "dashboard_live_end.png"))

        # hover: the legend reads the values at a step
        over = dash.locator(".u-over").first
        box = over.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
        legend = dash.locator(".torchtcl-panel").first.locator(".u-legend").inner_text()
        assert re.search(r"step\s*\n?\s*\d+", legend), legend
        # zoom: drag over a range of the scale panel; every panel follows
        ranges = """(d) => [...d.querySelectorAll('.u-axis')].length"""
        page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + 20)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + 20, steps=5)
        page.mouse.up()
        page.wait_for_timeout(300)
        assert dash.evaluate("d => d.classList.contains('torchtcl-zoomed')")
        assert dash.evaluate(ranges) >= 6
        dash.screenshot(path=str(OUT / "dashboard_zoomed.png"))
        over.dblclick(position={"x": box["width"] * 0.5, "y": 20})
        page.wait_for_timeout(300)
        assert not dash.evaluate("d => d.classList.contains('torchtcl-zoomed')")
        # the log and EMA toggles of the LR and scalar panels redraw without an error
        for label in ("log y", "EMA"):
            dash.locator("label", has_text=label).last.click()
            page.wait_for_timeout(200)
        legend = dash.locator(".torchtcl-panel").last.locator(".u-legend").inner_text()
        assert "loss (EMA)" in legend and "loss (raw)" in legend, legend


@contextlib.contextmanager
def notebook_run_in_lab(chromium, lab, tmp_path, notebook):
    """The notebook opened in JupyterLab and Run All, every cell run without an error and every
    dashboard finished."""
    base, token, _ = lab
    n_code = sum(c["cell_type"] == "code" for c in json.loads(notebook.read_text())["cells"])
    OUT.mkdir(exist_ok=True)
    with opened(chromium, tmp_path, f"{base}/lab/tree/{notebook.name}?token={token}") as page:
        page.wait_for_function(KERNEL_READY, arg="Tcl (torch)", timeout=90_000)
        run_all(page)
        page.wait_for_function(ALL_CELLS_RAN, arg=n_code, timeout=90_000)
        page.wait_for_selector(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator"
                               "[data-status='idle']")
        errors = page.locator(".jp-OutputArea-output[data-mime-type="
                              "'application/vnd.jupyter.stderr']")
        assert errors.count() == 0, errors.all_inner_texts()
        page.wait_for_function("() => [...document.querySelectorAll('.torchtcl-status')]"
                               ".every(s => s.textContent.startsWith('finished'))")
        yield page


def test_cnn_notebook_in_jupyterlab_shows_the_model_and_the_dashboard(chromium, lab, tmp_path):
    """notebooks/cnn_amp.ipynb, Run All: the model handle's layers as a table, a dashboard that
    followed all 120 steps."""
    with notebook_run_in_lab(chromium, lab, tmp_path, CNN_NOTEBOOK) as page:
        table = page.locator(".torchtcl-model").first
        assert "Sequential, 2,019 parameters" in table.inner_text()
        rows = table.locator("tbody tr")
        assert rows.count() == 8
        assert rows.nth(0).inner_text().split() == ["0", "Conv2d", "80"]
        table.scroll_into_view_if_needed()
        table.screenshot(path=str(OUT / "cnn_model_table.png"))
        boards = page.evaluate(DASHBOARDS)
        assert len(boards) == 1 and "step 120" in boards[0]["status"]
        board = page.locator(".torchtcl-dashboard").first
        board.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        board.screenshot(path=str(OUT / "cnn_dashboard.png"))


def test_amp_notebook_in_jupyterlab_shows_the_dashboard(chromium, lab, tmp_path):
    """notebooks/amp_workflow.ipynb, Run All: a dashboard under each training cell, the overflow
    counted in the last one's status line."""
    with notebook_run_in_lab(chromium, lab, tmp_path, NOTEBOOK) as page:
        boards = page.evaluate(DASHBOARDS)
        assert len(boards) >= 2, "a dashboard under each training cell"
        outputs = page.inner_text(".jp-NotebookPanel .jp-Notebook")
        assert "overflow: step skipped, scale 32768 -> 16384" in outputs
        assert "skipped steps: 1 of 180 (at step 140)" in outputs
        assert "0 skipped" in boards[0]["status"] and "1 skipped" in boards[1]["status"]
        last = page.locator(".torchtcl-dashboard").nth(1)
        last.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(OUT / "browser_dashboard.png"))


def test_distributed_notebook_in_jupyterlab_shows_a_curve_per_rank(chromium, lab, tmp_path):
    """notebooks/distributed.ipynb, Run All: torch::launch trains on two ranks from the kernel;
    both ranks' lines stream into the cell, and the training cell's dashboard draws, in each
    panel, a curve per rank (legend rank0 ..., rank1 ...) that followed all 100 steps."""
    with notebook_run_in_lab(chromium, lab, tmp_path, DIST_NOTEBOOK) as page:
        text = page.inner_text(".jp-NotebookPanel .jp-Notebook")
        for rank in (0, 1):
            assert f"[rank{rank}]: rank {rank} of 2: final loss on all 1024 rows" in text
        assert "identical on both ranks: yes" in text
        boards = page.evaluate(DASHBOARDS)
        assert len(boards) == 2, "the two-rank cell's and the single-process cell's"
        board = boards[0]
        assert board["panels"] == 3 and "step 100" in board["status"], board
        assert board["points"] == {f"{kind}:rank{rank} {name}": 100 for rank in (0, 1)
                                   for kind, name in (("scale", "scaler1"), ("lr", "optimizer1"),
                                                      ("scalar", "loss"))}, board
        for rank in (0, 1):
            assert f"rank{rank} scaler1 scale " in board["status"]
            assert f"rank{rank} optimizer1 lr " in board["status"]
        dash = page.locator(".torchtcl-dashboard").first
        dash.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        # hover the middle of the run: every panel's legend names both ranks' curves
        box = dash.locator(".u-over").first.bounding_box()
        page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
        panels = dash.locator(".torchtcl-panel")
        for i, name in enumerate(("scaler1", "optimizer1", "loss")):
            legend = panels.nth(i).locator(".u-legend").inner_text()
            # in rank order in every panel, so each rank has the same colour in all three
            assert 0 <= legend.find(f"rank0 {name}") < legend.find(f"rank1 {name}"), legend
        dash.screenshot(path=str(OUT / "distributed_dashboard.png"))
        assert not page.errors, page.errors


def test_dashboard_is_live_in_notebook7(chromium, lab, tmp_path):
    """The same widget in Notebook 7's page (served by the same server)."""
    base, token, root = lab
    write_notebook(root / "nb7.ipynb", [LIVE_SETUP, LIVE_TRAINING.replace(
        str(LIVE_SECONDS * 1000), "4000")])
    with opened(chromium, tmp_path, f"{base}/notebooks/nb7.ipynb?token={token}") as page:
        page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=90_000)
        page.wait_for_function("() => document.querySelector('#jp-title, .jp-NotebookKernelStatus"
                               ", .jp-KernelStatus') !== null", timeout=90_000)
        page.wait_for_timeout(3000)        # the kernel starts
        run_all(page)
        page.wait_for_selector(".torchtcl-dashboard canvas", timeout=90_000)
        first = step_of(page.evaluate(DASHBOARDS)[0]["status"])
        page.wait_for_timeout(1500)
        second = step_of(page.evaluate(DASHBOARDS)[0]["status"])
        assert first is not None and second is not None and second > first
        page.wait_for_function("() => document.querySelector('.torchtcl-status')"
                               ".textContent.startsWith('finished')", timeout=60_000)
        page.locator(".torchtcl-dashboard").first.scroll_into_view_if_needed()
        page.screenshot(path=str(OUT / "dashboard_notebook7.png"))


def test_saved_notebook_reopened_shows_its_dashboards(chromium, lab, tmp_path):
    """The AMP notebook executed headlessly (as `make demo` does) and saved, then opened in
    JupyterLab without running anything. Not yet trusted, JupyterLab renders no widget from it and
    falls back on the next type of each output: the dashboards' pictures, never a text repr."""
    import nbformat
    from nbclient import NotebookClient
    base, token, root = lab
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, kernel_name="torchtcl", timeout=120,
                   resources={"metadata": {"path": str(root)}}).execute()
    nbformat.write(nb, root / "executed.ipynb")
    dashboards = sum(1 for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs
                     if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
                     and o.data["text/plain"].startswith("torchtcl dashboard"))
    assert dashboards >= 2
    with opened(chromium, tmp_path, f"{base}/lab/tree/executed.ipynb?token={token}") as page:
        page.wait_for_function(KERNEL_READY, arg="Tcl (torch)", timeout=90_000)
        pictures = page.locator(".jp-OutputArea-output[data-mime-type='image/png'] img")
        page.wait_for_function("(n) => [...document.querySelectorAll('.jp-OutputArea-output"
                               "[data-mime-type=\"image/png\"] img')].filter(i => i.complete"
                               " && i.naturalWidth >= 800).length >= n", arg=dashboards)
        text = page.inner_text(".jp-NotebookPanel .jp-Notebook")
        assert "DashboardWidget(" not in text and "torchtcl dashboard:" not in text
        assert "torchtcl AMP explorer:" not in text and "FallbackBox(" not in text
        pictures.nth(1).scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(OUT / "dashboard_reopened.png"))


# The LR explorer: a -compare cell (one_cycle limits the steps) and a cell a slider can break.
EXPLORER_NOTEBOOK = "explorer.ipynb"
EXPLORER_CELLS = [
    ("llength [torch::lr_explore inverse_sqrt -warmupSteps 100 -lr 0.004 -steps 1000 -compare "
     "{{noam -modelSize 512 -warmupSteps 100} {one_cycle -maxLr 0.004 -totalSteps 1000} "
     "{lambda -multiplier {e {expr {$e < 100 ? $e / 100.0 : 0.5 * (1 + cos(3.14159 * ($e - 100)"
     " / 900.0))}}}}}]"),
    ("llength [torch::lr_explore linear_with_warmup -numWarmupSteps 100 -numTrainingSteps 200 "
     "-steps 300]"),
]
EXPLORERS = """() => [...document.querySelectorAll('.torchtcl-explorer')].map(e => ({
    picture: e.querySelector('img') ? e.querySelector('img').src : null,
    message: e.querySelector('.torchtcl-explorer-message').innerText.trim(),
    code: [...e.querySelectorAll('pre')].map(p => p.textContent),
    picture_width: e.querySelector('img') ? [e.querySelector('img').naturalWidth,
                                             e.querySelector('img').clientWidth] : null,
    cut: [...e.querySelectorAll('.widget-label')].filter(l => l.scrollWidth > l.clientWidth)
        .map(l => l.textContent),
}))"""


def type_into(explorer, label, value):
    """Type a value into a slider's readout, as a person would, and leave it with Enter."""
    slider = explorer.locator(".widget-slider", has=explorer.page.locator(
        ".widget-label", has_text=label)).first
    readout = slider.locator(".widget-readout")
    readout.click()
    explorer.page.keyboard.press("Control+A")
    explorer.page.keyboard.type(str(value))
    explorer.page.keyboard.press("Enter")


def test_explorer_in_jupyterlab(chromium, lab, tmp_path):
    """The explorer's sliders redraw the picture; a typed step count beyond one_cycle's end is
    clamped; a setting the schedule rejects says why under the picture, and the next good one
    draws again; no slider label is cut off; the code is on the page."""
    base, token, root = lab
    write_notebook(root / EXPLORER_NOTEBOOK, EXPLORER_CELLS)
    OUT.mkdir(exist_ok=True)
    with opened(chromium, tmp_path, f"{base}/lab/tree/{EXPLORER_NOTEBOOK}?token={token}") as page:
        page.wait_for_function(KERNEL_READY, arg="Tcl (torch)", timeout=90_000)
        run_all(page)
        page.wait_for_function(ALL_CELLS_RAN, arg=2, timeout=90_000)
        page.wait_for_function("() => document.querySelectorAll('.torchtcl-explorer img')"
                               ".length === 2")
        compare, single = page.evaluate(EXPLORERS)
        assert compare["cut"] == [] and single["cut"] == [], "every label shows whole"
        natural, shown = compare["picture_width"]
        assert natural == shown, "the picture at its own size, not stretched"
        assert compare["code"][0].startswith("torch::lr_explore inverse_sqrt -warmupSteps 100")
        assert "lr_scheduler.LambdaLR(" in compare["code"][1]
        first = page.locator(".torchtcl-explorer").first
        first.scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        first.screenshot(path=str(OUT / "explorer_compare.png"))

        type_into(first, "-steps", 5000)
        page.wait_for_function("(old) => document.querySelector('.torchtcl-explorer img').src"
                               " !== old", arg=compare["picture"])
        compare = page.evaluate(EXPLORERS)[0]
        assert compare["message"] == "" and "-steps 1001 " in compare["code"][0]

        second = page.locator(".torchtcl-explorer").nth(1)
        second.scroll_into_view_if_needed()
        type_into(second, "-numWarmupSteps", 300)
        page.wait_for_function("() => document.querySelectorAll('.torchtcl-explorer-message')[1]"
                               ".innerText.includes('must not exceed')")
        page.wait_for_timeout(300)
        second.screenshot(path=str(OUT / "explorer_error.png"))
        before = page.evaluate(EXPLORERS)[1]
        assert before["picture"] == single["picture"], "the last good picture stays"
        type_into(second, "-numWarmupSteps", 50)
        page.wait_for_function("() => document.querySelectorAll('.torchtcl-explorer-message')[1]"
                               ".innerText.trim() === ''")
        after = page.evaluate(EXPLORERS)[1]
        assert after["picture"] != single["picture"]
        assert "-numWarmupSteps 50 " in after["code"][0]
        assert not page.errors, page.errors


def test_long_outputs_leave_the_page_usable(chromium, lab, tmp_path):
    """A cell whose result is 120 MB of text (ten million numbers) crashed Chromium's tab before
    the kernel showed such results in part; now the page shows the start of it and a line saying
    how long the whole is, at once, and the next cell runs. A loop that logs under a new name at
    each step makes a dashboard whose status line and legends name a dozen curves, not 40."""
    base, token, root = lab
    write_notebook(root / "long.ipynb", [
        "set v [lrepeat 10000000 0.123456789]", "string length $v",
        "set o [torch::optimizer_sgd [list [torch::zeros {2} -requiresGrad 1]] 0.1]\n"
        "for {set i 0} {$i < 40} {incr i} {torch::optimizer_step $o; torch::log_scalar s$i 0.5}",
        "torch::dashboard reset\nfor {set i 1} {$i <= 30} {incr i} {\n  torch::optimizer_step $o\n"
        "  torch::log_scalar loss [expr {1.0 / $i}]\n}\ntorch::log_scalar val 0.5 15"])
    with opened(chromium, tmp_path, f"{base}/lab/tree/long.ipynb?token={token}") as page:
        page.wait_for_function(KERNEL_READY, arg="Tcl (torch)", timeout=90_000)
        run_all(page)
        page.wait_for_function(ALL_CELLS_RAN, arg=4, timeout=120_000)
        texts = page.evaluate("() => [...document.querySelectorAll('.jp-OutputArea-output')]"
                              ".map(o => o.textContent)")
        assert texts[1] == "119999999"
        assert len(texts[0]) < 1_000_200
        assert texts[0].startswith("0.123456789 0.123456789 ")
        assert texts[0].endswith("… (shown: the first 1000000 of 119999999 characters; the value "
                                 "is whole in Tcl: write it to a file to read all of it)")
        page.wait_for_function("() => [...document.querySelectorAll('.torchtcl-status')]"
                               ".every(s => s.textContent.startsWith('finished'))", timeout=60_000)
        many, lone = page.evaluate(DASHBOARDS)
        assert many["status"].endswith(" · s10 0.5 · 29 more curves")
        legends = page.evaluate(LEGENDS)
        assert legends[:2] == [{"named": ["step", "optimizer1"], "more": None},
                               {"named": ["step"] + [f"s{i}" for i in range(12)],
                                "more": "28 more"}]
        # a metric logged once, among a loss logged at every step, is a dot: the second
        # curve's colour (COLORS[1], #ff7f0e) is in the last panel
        assert lone["status"].endswith("loss 0.03333 · val 0.5")
        assert page.evaluate(PIXELS_OF, [255, 127, 14]) > 10
        page.locator(".torchtcl-dashboard").last.scroll_into_view_if_needed()
        page.screenshot(path=str(OUT / "long_outputs.png"))
        assert not page.errors, page.errors


def test_gets_stdin_is_answered_in_jupyterlabs_input_box(chromium, lab, tmp_path):
    """A script that prompts with gets stdin: JupyterLab shows its input box under the prompt
    the script wrote, and the line typed there is what gets returns. Then `exit`, whose reply
    asks the frontend to leave (jupyter console does): JupyterLab ignores it, and the next cell
    finds the kernel and its variables."""
    base, token, root = lab
    write_notebook(root / "stdin.ipynb", [
        'puts -nonewline "Your name: "; flush stdout\n'
        'if {[gets stdin name] >= 0} {set greeting "hello, $name"}',
        "exit", "string toupper $greeting"])
    with opened(chromium, tmp_path, f"{base}/lab/tree/stdin.ipynb?token={token}") as page:
        page.wait_for_function(KERNEL_READY, arg="Tcl (torch)", timeout=90_000)
        run_all(page)
        box = page.locator(".jp-Stdin-input")
        box.wait_for()
        assert page.locator(".jp-Stdin-prompt").text_content() == ""
        box.fill("Ada Lovelace")
        page.locator(".jp-CodeCell").first.screenshot(path=str(OUT / "stdin_input_box.png"))
        box.press("Enter")
        page.wait_for_function(ALL_CELLS_RAN, arg=3, timeout=60_000)
        shown = page.evaluate("() => [...document.querySelectorAll('.jp-OutputArea-child')]"
                              ".map(o => o.textContent)")
        # the prompt (a stream), the line typed (JupyterLab's echo of it), the result
        assert shown[0].startswith("Your name:") and "Ada Lovelace" in shown[1], shown
        assert shown[2].endswith("hello, Ada Lovelace"), shown
        assert shown[-1].endswith("HELLO, ADA LOVELACE"), shown
        assert not page.errors, page.errors
