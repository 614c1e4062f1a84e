"""The example notebooks, executed through their real kernels (nbclient), as a reader runs them.

Each notebook runs in a fresh kernel named by its own metadata, with a temporary working directory
(the notebooks write their files to out/ under it). Any error output fails the test.
"""

import base64
import io
import json
import time

import nbformat
import pytest
from conftest import ROOT
from nbclient import NotebookClient
from PIL import Image

from torchtcl_kernel.demo import summary as demo_summary

pytestmark = pytest.mark.slow  # executes whole notebooks: `make test-fast` skips it

NOTEBOOKS = ROOT / "notebooks"
NAMES = ["getting_started", "amp_workflow", "lr_schedules", "python_magics", "cnn_amp",
         "distributed"]
WIDGET = "application/vnd.jupyter.widget-view+json"
LIMIT = 120          # seconds: each notebook must run on a CPU in under two minutes


def execute(name, workdir):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = NotebookClient(nb, kernel_name=nb.metadata.kernelspec.name, timeout=LIMIT,
                            allow_errors=True, resources={"metadata": {"path": str(workdir)}})
    start = time.perf_counter()
    client.execute()
    return nb, time.perf_counter() - start


def outputs(nb):
    return [(i, o) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for o in cell.outputs]


def stdout(nb):
    return "".join(o.get("text", "") for _, o in outputs(nb)
                   if o.output_type == "stream" and o.name == "stdout")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """Each notebook executed once per test session: {name: (notebook, seconds, workdir)}."""
    done = {}

    def get(name):
        if name not in done:
            workdir = tmp_path_factory.mktemp(name)
            nb, seconds = execute(name, workdir)
            done[name] = (nb, seconds, workdir)
        return done[name]
    return get


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_without_errors(executed, name):
    nb, seconds, _ = executed(name)
    errors = [f"cell {i}: {o.ename}: {o.evalue}" for i, o in outputs(nb)
              if o.output_type == "error"]
    assert not errors, "\n".join(errors)
    assert all(c.execution_count for c in nb.cells if c.cell_type == "code"), "every cell ran"
    assert seconds < LIMIT, f"{name} took {seconds:.0f} s"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)
    expected = "python3" if name == "python_magics" else "torchtcl"
    assert nb.metadata.kernelspec.name == expected


def test_amp_workflow_shows_the_dashboard_and_saves_pngs(executed):
    nb, _, workdir = executed("amp_workflow")
    views = [o for _, o in outputs(nb) if o.output_type == "display_data" and WIDGET in o.data
             and o.data["text/plain"].startswith("torchtcl dashboard")]
    assert len(views) >= 2, "a live dashboard under each training cell"
    # Each keeps a picture and a text line beside the widget view, for frontends without widgets.
    for view in views:
        assert view.data["text/plain"].startswith("torchtcl dashboard: finished · step ")
        picture = Image.open(io.BytesIO(base64.b64decode(view.data["image/png"])))
        assert picture.size[0] >= 800
    assert "1 skipped" in views[-1].data["text/plain"]
    # The widgets' final state (their curves) is stored with the notebook, under 1 MB.
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    dashboards = [m for m in state.get("state", {}).values()
                  if m["state"].get("snapshot", {}).get("final")]
    assert len(dashboards) == len(views)
    assert len(json.dumps(state)) < 1_000_000
    for png in ("amp_growth.png", "amp_dashboard.png"):
        image = Image.open(workdir / "out" / png)
        assert image.format == "PNG" and image.size[0] > 400
        assert len(image.convert("RGB").getcolors(1 << 20)) > 50, f"{png} has curves in it"
    assert (workdir / "out" / "amp_telemetry.csv").read_text().startswith("kind,source,step")

    text = stdout(nb)
    # fp16 autocast on the CPU: the tiny gradients vanish unscaled, survive with the scaler
    assert "float16, no scaler:     tensor([[0., 0.],\n        [0., 0.]])" in text
    assert "float16, scaled by 2^16: tensor([[2.27" in text
    assert "bfloat16, no scaler:    tensor([[2.27" in text
    # amp_explore: GradScaler's rule with the default scale and a largest gradient of 16
    assert "skipped: 0 1 2 3 4 2005 4006  fraction: 0.0012" in text
    explorers = [o for _, o in outputs(nb) if o.output_type == "display_data"
                 and o.data["text/plain"].startswith("torchtcl AMP explorer: ")]
    assert len(explorers) == 4 and all(WIDGET in o.data and "image/png" in o.data
                                       for o in explorers)
    assert "growthInterval   20: 290 skipped steps (4.83 %)" in text
    assert "scale grew 1024 -> 2048" in text and "scale grew 8192 -> 16384" in text
    assert "step 140" in text and "overflow: step skipped, scale 32768 -> 16384" in text
    assert "parameters unchanged by the skipped step: yes" in text
    assert "step 165" in text and "scale grew 16384 -> 32768" in text
    summary = dict(line.split(":", 1) for line in text.splitlines()[-5:])
    assert summary["steps"].strip() == "180"
    assert summary["final scale"].strip() == "32768.0"
    assert summary["skipped steps"].strip() == "1 of 180 (at step 140)"
    assert float(summary["final loss"]) < 1.0
    # `make demo` reads the same lines from the executed notebook.
    assert demo_summary(nb) == {k: v.strip() for k, v in summary.items()
                                if k in ("steps", "final loss", "final scale", "skipped steps")}


def test_cnn_amp_trains_a_cnn_with_the_dashboard(executed):
    nb, _, workdir = executed("cnn_amp")
    text = stdout(nb)
    assert "images 288 1 16 16, labels 288" in text
    assert "7 (Linear)     [1, 3]          771" in text       # model_summary with output shapes
    # the model handle as a cell result: its layers as an HTML table
    tables = [o.data["text/html"] for _, o in outputs(nb)
              if o.output_type == "execute_result" and "text/html" in o.data]
    assert any("Sequential, 2,019 parameters" in t and "<td>MaxPool2d</td>" in t for t in tables)
    trained = float(text.split("training accuracy: ")[1].split()[0])
    fresh = float(text.split("accuracy on fresh images: ")[1].split()[0])
    assert trained > 0.95 and fresh > 0.8, (trained, fresh)
    # warmup then cosine: the LR rises, then falls to almost nothing at the last step
    lrs = [float(line.split("lr ")[1].split()[0]) for line in text.splitlines()
           if line.startswith("step ")]
    assert lrs[0] > lrs[1] > lrs[2] > lrs[3] and lrs[3] < 1e-4
    views = [o for _, o in outputs(nb) if o.output_type == "display_data" and WIDGET in o.data
             and o.data["text/plain"].startswith("torchtcl dashboard")]
    assert len(views) == 1 and "step 120" in views[0].data["text/plain"]
    image = Image.open(workdir / "out" / "cnn_amp_dashboard.png")
    assert image.format == "PNG" and len(image.convert("RGB").getcolors(1 << 20)) > 50


def test_distributed_trains_on_two_ranks_with_a_merged_dashboard(executed):
    nb, seconds, workdir = executed("distributed")
    assert seconds < 40, f"distributed took {seconds:.0f} s"
    text = stdout(nb)
    # both ranks' lines streamed into the cell, each with its prefix, each on its own half
    for rank in (0, 1):
        lines = [line for line in text.splitlines() if line.startswith(f"[rank{rank}]: ")]
        assert sum("loss on my 512 rows" in line for line in lines) == 4, lines
        assert any(f"rank {rank} of 2: final loss on all 1024 rows" in line for line in lines)
    # DDP keeps the copies equal: the same final loss, to the last digit, on both ranks
    finals = {rank: (workdir / "out" / f"final_loss_world2_rank{rank}.txt").read_text().strip()
              for rank in (0, 1)}
    assert finals[0] == finals[1] and float(finals[0]) < 0.2, finals
    assert "identical on both ranks: yes" in text
    # one process on the whole batch follows the same path, up to bfloat16 rounding
    alone = float(text.split("final loss, one process: ")[1].split()[0])
    assert abs(alone - float(finals[0])) / float(finals[0]) < 0.05, (alone, finals)
    assert "loss on my 1024 rows" in text

    # the training cell's dashboard: a widget view, its picture and text line beside it
    views = [(i, o) for i, o in outputs(nb) if o.output_type == "display_data"
             and WIDGET in o.data and o.data["text/plain"].startswith("torchtcl dashboard")]
    assert len(views) == 2, "one under the two-rank cell, one under the single-process cell"
    first = views[0][1]
    status = first.data["text/plain"]
    assert status.startswith("torchtcl dashboard: finished · step 100 · "), status
    for rank in (0, 1):
        assert f"rank{rank} scaler1 scale " in status and f"rank{rank} optimizer1 lr " in status
    picture = Image.open(io.BytesIO(base64.b64decode(first.data["image/png"])))
    assert picture.size[0] >= 800
    assert len(picture.convert("RGB").getcolors(1 << 20)) > 50
    # the widgets' final state: a curve per rank in each panel, every step of it
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    dashboards = [m["state"]["snapshot"] for m in state.get("state", {}).values()
                  if m["state"].get("snapshot", {}).get("final")]
    assert len(dashboards) == 2
    curves = [{(c["kind"], c["label"]): c["n"] for c in d["curves"]} for d in dashboards]
    per_rank = {(kind, f"rank{rank} {name}"): 100 for rank in (0, 1)
                for kind, name in (("scale", "scaler1"), ("lr", "optimizer1"), ("scalar", "loss"))}
    merged = [c for c in curves if set(c) == set(per_rank)]
    assert merged and merged[0] == per_rank, curves
    # in rank order in each panel, however the ranks' first records arrived: a colour per rank
    for kind in ("scale", "lr", "scalar"):
        assert [label[:5] for k, label in merged[0] if k == kind] == ["rank0", "rank1"]
    # the single-process cell's dashboard starts with that history and adds its own curves
    alone_curves = {("scale", "scaler1"): 100, ("lr", "optimizer1"): 100, ("scalar", "loss"): 100}
    assert {**per_rank, **alone_curves} in curves, curves


def test_lr_schedules_compares_and_saves(executed):
    nb, _, workdir = executed("lr_schedules")
    results = [o.data["text/plain"] for _, o in outputs(nb) if o.output_type == "execute_result"]
    assert "identical: 300 of 300 steps" in results
    diff = [r for r in results if r.startswith("largest difference from inverse_sqrt")]
    assert diff and float(diff[0].rsplit(":", 1)[1]) < 1e-15, "noam is inverse_sqrt, rescaled"
    views = [o for _, o in outputs(nb) if o.output_type == "display_data" and WIDGET in o.data]
    assert len(views) >= 6, "an explorer widget per lr_explore call"
    with Image.open(workdir / "out" / "lr_compare.png") as image:
        assert image.format == "PNG"


def test_python_magics_share_tensors(executed):
    nb, _, _ = executed("python_magics")
    text = stdout(nb)
    assert "same memory: True" in text
    assert "w is still the same tensor: True" in text
