"""A person's view: JupyterLab in headless Chromium runs notebooks/amp_workflow.ipynb on the torchtcl
kernel, and the live AMP dashboard shows up as a picture in the page.

Chromium is Debian's (`apt-get install chromium`; .ci/run installs it); playwright only drives it.
The test skips, saying why, only when no Chromium binary can be found. JupyterLab listens on
127.0.0.1 on a free port with a token, in a temporary root with its own settings; the notebook is
a copy, so nothing in the repository changes. The screenshot goes to out/browser_dashboard.png.
"""

import json
import os
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

NOTEBOOK = ROOT / "notebooks" / "amp_workflow.ipynb"
SCREENSHOT = ROOT / "out" / "browser_dashboard.png"
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
    shutil.copy(NOTEBOOK, root / NOTEBOOK.name)
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
        yield base, token
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


# An <img> inside a widget's output that has really loaded a picture.
DASHBOARD_LOADED = """() => {
    const imgs = [...document.querySelectorAll('.jp-OutputArea-output img.widget-image')];
    return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0 && i.src !== '');
}"""
# The notebook's toolbar names the kernel, and the kernel is idle.
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


def test_amp_notebook_in_jupyterlab_shows_the_dashboard(chromium, lab, tmp_path):
    from playwright.sync_api import sync_playwright

    base, token = lab
    n_code = sum(c["cell_type"] == "code" for c in json.loads(NOTEBOOK.read_text())["cells"])
    SCREENSHOT.parent.mkdir(exist_ok=True)
    start = time.time()
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=chromium, headless=True,
            args=CHROMIUM_ARGS, viewport={"width": 1400, "height": 1200})
        try:
            page = context.pages[0] if context.pages else context.new_page()
            page.set_default_timeout(60_000)
            page.goto(f"{base}/lab/tree/{NOTEBOOK.name}?token={token}")
            # The notebook is open and its kernel (torchtcl, from the notebook's metadata) is idle.
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook .jp-Cell")
            page.wait_for_function(KERNEL_READY, arg="Tcl (torch)", timeout=90_000)

            # Run > Run All Cells, as a person would.
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

            page.wait_for_function(ALL_CELLS_RAN, arg=n_code, timeout=90_000)
            page.wait_for_function(DASHBOARD_LOADED, timeout=30_000)
            page.wait_for_selector(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator"
                                   "[data-status='idle']")

            errors = page.locator(".jp-OutputArea-output[data-mime-type="
                                  "'application/vnd.jupyter.stderr']")
            assert errors.count() == 0, errors.all_inner_texts()
            images = page.locator(".jp-OutputArea-output img.widget-image")
            assert images.count() >= 2, "a dashboard under each training cell"
            sizes = images.evaluate_all("imgs => imgs.map(i => [i.naturalWidth, i.naturalHeight])")
            assert all(w > 400 and h > 300 for w, h in sizes), sizes
            outputs = page.inner_text(".jp-NotebookPanel .jp-Notebook")
            assert "overflow: step skipped, scale 32768 -> 16384" in outputs
            assert "skipped steps: 140" in outputs

            # The dashboard of the overflow cell, with the status line under it.
            last = images.last
            last.evaluate("img => img.scrollIntoView({block: 'center'})")
            page.wait_for_timeout(300)
            status = last.locator("xpath=ancestor::div[contains(@class,'widget-vbox')][1]")
            assert "1 skipped" in status.inner_text()
            page.screenshot(path=str(SCREENSHOT))
        except Exception:
            if context.pages:
                context.pages[0].screenshot(path=str(SCREENSHOT.with_name("browser_failure.png")))
            raise
        finally:
            context.close()
    assert SCREENSHOT.stat().st_size > 10_000
    assert time.time() - start < 120
