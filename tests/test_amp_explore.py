"""torch::amp_explore: GradScaler's own update rule over a synthetic run, its errors, its files,
and the notebook view whose sliders rerun it.

The expected runs are worked out by hand from GradScaler's documented rule (skip and multiply by
the backoff factor on inf/NaN, multiply by the growth factor after growthInterval clean steps)."""

import base64
import csv
import io

import pytest
from PIL import Image

from torchtcl_kernel import TorchTcl
from torchtcl_kernel.widgets import attach_headless, attach_live


def run(tcl, words):
    """The command's dict, as Python values."""
    tcl.eval(f"set r [torch::amp_explore {words}]")
    return {"scales": [float(v) for v in tcl.eval("dict get $r scales").split()],
            "skipped": [int(v) for v in tcl.eval("dict get $r skipped").split()],
            "skipped_fraction": float(tcl.eval("dict get $r skipped_fraction")),
            "final_scale": float(tcl.eval("dict get $r final_scale"))}


@pytest.fixture
def tcl():
    with TorchTcl(stdout=lambda s: None) as interp:
        yield interp


def test_the_default_scale_skips_the_first_fp16_steps(tcl):
    # 16 * 2^16 overflows float16 (65504); four backoffs later 16 * 2^12 = 65536 still does, and
    # 16 * 2^11 fits: five skipped steps. Then every 2000 clean steps the scale doubles to 2^12,
    # overflows once and halves again.
    r = run(tcl, "-gradMax 16 -steps 4100")
    assert r["skipped"] == [0, 1, 2, 3, 4, 2005, 4006]
    assert r["scales"][:6] == [2.0 ** e for e in (16, 15, 14, 13, 12, 11)]
    assert r["scales"][2005] == 4096.0 and r["scales"][2006] == 2048.0
    assert r["skipped_fraction"] == pytest.approx(7 / 4100)
    assert r["final_scale"] == 2048.0


def test_forced_overflows_every_n_steps(tcl):
    # from 1024, growing every 100 clean steps; steps 250, 500, 750, 1000 (from 1) overflow
    r = run(tcl, "-initScale 1024 -growthInterval 100 -overflowEvery 250 -steps 1000")
    assert r["skipped"] == [249, 499, 749, 999]
    assert r["scales"][99] == 1024.0 and r["scales"][100] == 2048.0
    assert r["scales"][249] == 4096.0 and r["scales"][250] == 2048.0
    assert r["final_scale"] == 16384.0      # 32768 at the last step, which overflowed


def test_overflow_probability_is_seeded(tcl):
    a = run(tcl, "-overflowProb 0.05 -steps 400 -seed 3")
    assert a == run(tcl, "-overflowProb 0.05 -steps 400 -seed 3")
    assert a != run(tcl, "-overflowProb 0.05 -steps 400 -seed 4")
    assert 5 <= len(a["skipped"]) <= 40
    assert run(tcl, "-overflowProb 0 -steps 50")["skipped"] == []


def test_factors_of_one_keep_the_scale(tcl):
    r = run(tcl, "-initScale 8 -growthFactor 1 -backoffFactor 1 -growthInterval 1 "
                 "-overflowEvery 3 -steps 30")
    assert set(r["scales"]) == {8.0} and len(r["skipped"]) == 10


@pytest.mark.parametrize("words, message", [
    ("-overflowEvery 5 -gradMax 2", "-overflowEvery and -gradMax exclude each other"),
    ("-steps 0", "Invalid steps: 0 (must be 1 to 200000)"),
    ("-growthFactor 0.5", "Invalid growthFactor: 0.5 (must be at least 1)"),
    ("-backoffFactor 1.5", "Invalid backoffFactor: 1.5 (must be in (0, 1])"),
    ("-overflowProb 2", "Invalid overflowProb: 2 (must be in [0, 1])"),
    ("-initScale abc", "abc"),
    ("-nosuch 1", "nosuch"),
])
def test_bad_settings_are_tcl_errors(tcl, words, message):
    tcl.eval("set kept 42")
    with pytest.raises(Exception) as info:
        tcl.eval(f"torch::amp_explore {words}")
    assert type(info.value).__name__ == "TorchTclError"
    assert message in str(info.value)
    assert tcl.eval("set kept") == "42"


def test_camel_case_twin_and_snake_options(tcl):
    a = tcl.eval("torch::ampExplore -init_scale 64 -overflow_every 7 -steps 30")
    assert a == tcl.eval("torch::amp_explore -initScale 64 -overflowEvery 7 -steps 30")


def test_saves_csv_and_png_without_a_notebook(tmp_path):
    with TorchTcl(stdout=lambda s: None) as tcl:
        attach_headless(tcl)
        tcl.eval(f"torch::amp_explore -gradMax 16 -steps 300 -save {tmp_path}/run.csv")
        with open(tmp_path / "run.csv") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == 300 and rows[0] == {"step": "0", "scale": "65536.0", "skipped": "1"}
        assert [r["step"] for r in rows if r["skipped"] == "1"] == ["0", "1", "2", "3", "4"]
        tcl.eval(f"torch::amp_explore -gradMax 16 -steps 300 -save {tmp_path}/run.png")
        image = Image.open(tmp_path / "run.png")
        assert image.format == "PNG" and len(image.convert("RGB").getcolors(1 << 20)) > 50


def test_the_notebook_view_reruns_on_a_slider_and_keeps_a_fallback():
    with TorchTcl(stdout=lambda s: None) as tcl:
        attach_live(tcl)
        tcl.eval("torch::amp_explore -gradMax 16 -steps 3000")
        box = tcl.amp_explorer.view
        sliders = {s.description: s for s in box.children if hasattr(s, "min")}
        assert {"-initScale", "-growthFactor", "-backoffFactor", "-growthInterval", "-steps",
                "-gradMax"} <= set(sliders)
        data = box._repr_mimebundle_()
        assert data["text/plain"].startswith("torchtcl AMP explorer: skipped 6 of 3000 steps")
        assert "application/vnd.jupyter.widget-view+json" in data
        before = data["image/png"]
        Image.open(io.BytesIO(before)).verify()
        sliders["-initScale"].value = 11          # 2^11: nothing overflows at first
        assert box.text.startswith("torchtcl AMP explorer: skipped 1 of 3000 steps")
        assert box.picture != before
        readout = box.children[1].value
        assert "-initScale 2048" in readout and "-gradMax 16" in readout
        sliders["-growthInterval"].value = 100
        # clean steps 0-99, then 4096 overflows at 100, 201, ... 100 + 101k <= 2999: 29 skips
        assert "skipped 29 of 3000 steps" in box.text
        assert base64.b64encode(box.picture)
