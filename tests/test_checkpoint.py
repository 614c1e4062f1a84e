"""The checkpoint family: round trips of models, optimizers, LR schedulers and grad scalers in
every syntax of the pages, a bit-identical resume of AMP training, refusal of files that would run
code, all-or-nothing loading of bad files, atomic saving, freezing, and the pages' error texts."""

import copy
import os
import pickle
import re

import pytest
import torch
from conftest import ROOT, Session

from torchtcl_kernel.commands import checkpoint, common


@pytest.fixture(scope="module")
def tcl():
    return Session()


@pytest.fixture
def d(tcl, tmp_path):
    """A fresh directory, in the Tcl variable `d`; files are named $d/... in the scripts."""
    tcl.interp.tk.call("set", "d", str(tmp_path))
    return tmp_path


def handles(tcl, **names):
    """The Python objects behind Tcl variables: handles(tcl, m="module", o="optimizer")."""
    return {v: tcl.interp.store.get(tcl(f"set {v}"), kind) for v, kind in names.items()}


SETUP = """
    torch::manual_seed 3
    set m [torch::sequential [list [torch::linear 4 5] [torch::linear 5 3]]]
    set o [torch::optimizer_adam [torch::layer_parameters $m] 0.05]
    set s [torch::lr_scheduler_step $o 2 0.5]
    set sc [torch::grad_scaler_new -initScale 512.0 -growthInterval 2]
    set xin [torch::randn {6 4}]
    proc step {} {
        global m o s sc xin
        torch::optimizer_zero_grad $o
        set loss [torch::tensor_sum [torch::layer_forward $m $xin]]
        torch::tensor_backward [torch::grad_scaler_scale $sc $loss]
        torch::grad_scaler_step $sc $o
        torch::grad_scaler_update $sc
        torch::lr_scheduler_step_update $s
    }
    step; step; step
"""


def snapshot(tcl):
    """Everything a load may change, copied: parameters, optimizer, scheduler and scaler state."""
    h = handles(tcl, m="module", o="optimizer", s="scheduler", sc="scaler")
    return {"params": [p.detach().clone() for p in h["m"].parameters()],
            "opt": copy.deepcopy(h["o"].state_dict()),
            "sched": copy.deepcopy(h["s"].torch.state_dict()),
            "scale": h["sc"].torch.get_scale(), "scaler": dict(h["sc"].torch.state_dict())}


def same_state(a, b):
    def eq(x, y):
        if isinstance(x, torch.Tensor):
            return isinstance(y, torch.Tensor) and torch.equal(x, y)
        if isinstance(x, dict):
            return isinstance(y, dict) and x.keys() == y.keys() and all(eq(x[k], y[k]) for k in x)
        if isinstance(x, (list, tuple)):
            return len(x) == len(y) and all(eq(p, q) for p, q in zip(x, y, strict=True))
        return x == y
    return eq(a, b)


def perturb(tcl):
    """Move the model, optimizer, scheduler and scaler away from the saved state."""
    tcl("step; step")
    h = handles(tcl, m="module")
    with torch.no_grad():
        for p in h["m"].parameters():
            p.add_(1.0)


# --- round trips in every syntax ------------------------------------------------------------------
SAVES = [
    "torch::save_checkpoint $m $o $f 5 0.25 0.001 -scheduler $s -scaler $sc",
    "torch::save_checkpoint -model $m -optimizer $o -filename $f -epoch 5 -loss 0.25 -lr 0.001 "
    "-scheduler $s -scaler $sc",
    "torch::saveCheckpoint -model $m -optimizer $o -file $f -epoch 5 -loss 0.25 -lr 0.001 "
    "-scheduler $s -gradScaler $sc",
    # the other pages' positional orders
    "torch::save_checkpoint $f $m $o 5 0.25 0.001 -scheduler $s -scaler $sc",
    "torch::save_checkpoint $m $o 5 0.25 0.001 $f -scheduler $s -scaler $sc",
]
LOADS = [
    "torch::load_checkpoint $f $m $o -scheduler $s -scaler $sc",
    "torch::load_checkpoint -filename $f -model $m -optimizer $o -scheduler $s -scaler $sc",
    "torch::loadCheckpoint -file $f -model $m -optimizer $o -lrScheduler $s -scaler $sc",
    "torch::load_checkpoint $m $o $f -scheduler $s -scaler $sc",
]


@pytest.mark.parametrize("save", SAVES)
@pytest.mark.parametrize("load", LOADS)
def test_checkpoint_round_trip(tcl, d, save, load):
    tcl(SETUP)
    tcl("set f $d/ck.pt")
    before = snapshot(tcl)
    assert tcl(save) == f"Checkpoint saved: {d}/ck.pt (epoch=5, loss=0.25, lr=0.001)"
    perturb(tcl)
    assert not same_state(snapshot(tcl), before)
    assert tcl(load) == f"Checkpoint loaded: {d}/ck.pt (epoch=5, loss=0.25, lr=0.001)"
    assert same_state(snapshot(tcl), before)


def test_checkpoint_defaults_and_info(tcl, d):
    tcl(SETUP + "set f $d/c.pt")
    assert tcl("torch::save_checkpoint $m $o $f") == \
        f"Checkpoint saved: {d}/c.pt (epoch=0, loss=0.0, lr=0.0)"
    assert tcl("torch::get_checkpoint_info $f") == "epoch 0 loss 0.0 learning_rate 0.0"
    tcl("torch::save_checkpoint $m $o $f 7 0.1234 0.001")
    for script in ["torch::get_checkpoint_info $f", "torch::getCheckpointInfo -file $f",
                   "torch::get_checkpoint_info -filename $f"]:
        assert tcl(f"dict get [{script}] epoch") == "7"
        assert tcl(f"{script}") == "epoch 7 loss 0.1234 learning_rate 0.001"
    # a checkpoint without a scheduler part cannot fill a scheduler: nothing changes
    before = snapshot(tcl)
    perturb(tcl)
    changed = snapshot(tcl)
    e = tcl.error("torch::load_checkpoint $f $m $o -scheduler $s")
    assert e.message == f"Cannot load {d}/c.pt: it holds no LR scheduler state"
    assert same_state(snapshot(tcl), changed)
    tcl("torch::load_checkpoint $f $m $o")
    assert same_state(snapshot(tcl)["params"], before["params"])


def test_state_dict_files_are_plain_pytorch(tcl, d):
    tcl(SETUP)
    model = handles(tcl, m="module")["m"]
    assert tcl("torch::save_state_dict $m $d/p.pt") == f"Model state dict saved to: {d}/p.pt"
    saved = torch.load(d / "p.pt", weights_only=True)
    assert same_state(dict(saved), dict(model.state_dict()))
    # a state dict PyTorch wrote is read back, in every syntax
    other = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Linear(5, 3))
    torch.save(other.state_dict(), d / "q.pt")
    for script in ["torch::load_state_dict $m $d/q.pt", "torch::load_state_dict $d/q.pt $m",
                   "torch::load_state_dict -model $m -filename $d/q.pt",
                   "torch::loadStateDict -model $m -file $d/q.pt"]:
        perturb(tcl)
        assert tcl(script) == f"Model state dict loaded from: {d}/q.pt"
        assert same_state(dict(model.state_dict()), dict(other.state_dict()))
    for script in ["torch::save_state_dict -model $m -filename $d/r.pt",
                   "torch::saveStateDict -model $m -file $d/r.pt",
                   "torch::save_state_dict $d/r.pt $m"]:
        os.remove(d / "p.pt") if (d / "p.pt").exists() else None
        tcl(script)
        assert same_state(dict(torch.load(d / "r.pt", weights_only=True)),
                          dict(model.state_dict()))
    # the model part of a checkpoint; with -optimizer etc. a bundle that carries them too
    tcl("torch::save_checkpoint $m $o $d/ck.pt")
    want = [p.detach().clone() for p in model.parameters()]
    perturb(tcl)
    tcl("torch::load_state_dict $m $d/ck.pt")
    assert same_state([p.detach() for p in model.parameters()], want)
    before = snapshot(tcl)
    tcl("torch::save_state_dict $m $d/all.pt -optimizer $o -scheduler $s -scaler $sc")
    perturb(tcl)
    tcl("torch::load_state_dict $m $d/all.pt -optimizer $o -scheduler $s -scaler $sc")
    assert same_state(snapshot(tcl), before)


def test_save_state_keeps_modes_frozen_flags_and_all_buffers(tcl, d):
    model = torch.nn.Sequential(torch.nn.Linear(3, 3), torch.nn.BatchNorm1d(3),
                                torch.nn.Dropout(0.3))
    model[0].register_buffer("scratch", torch.arange(3.0), persistent=False)
    tcl(f"set net {tcl.interp.put(model)}")
    model[1].eval()
    model[0].weight.requires_grad_(False)
    model[1](torch.randn(4, 3))
    want = {k: v.clone() for k, v in model.state_dict().items()}
    for save, load in [("torch::save_state $net $d/s.pt", "torch::load_state $net $d/s.pt"),
                       ("torch::save_state -module $net -filename $d/s.pt",
                        "torch::load_state -module $net -filename $d/s.pt"),
                       ("torch::saveState -module $net -file $d/s.pt",
                        "torch::loadState -module $net -file $d/s.pt"),
                       ("torch::save_state $d/s.pt $net", "torch::load_state $d/s.pt $net")]:
        assert tcl(save) == "OK"
        model.train()
        model[0].weight.requires_grad_(True)
        model[0].scratch.zero_()
        with torch.no_grad():
            model[1].running_mean.add_(5)
        assert tcl(load) == "OK"
        assert same_state(dict(model.state_dict()), want)
        assert [m.training for m in model.modules()] == [True, True, False, True]
        assert [p.requires_grad for p in model.parameters()] == [False, True, True, True]
        assert torch.equal(model[0].scratch, torch.arange(3.0))


# --- resuming AMP training with an LR schedule: bit-identical -------------------------------------
TRAIN = """
proc build {} {
    global model opt sched scaler
    set model [torch::sequential [list [torch::linear 8 16] [torch::dropout 0.2] \
                                       [torch::linear 16 4]]]
    set opt [torch::optimizer_adam [torch::layer_parameters $model] 0.01]
    set sched [torch::lr_scheduler_step $opt 7 0.7]
    set scaler [torch::grad_scaler_new -initScale 1024.0 -growthInterval 10]
}
proc train {n} {
    global model opt sched scaler x y
    set losses {}
    for {set i 0} {$i < $n} {incr i} {
        torch::optimizer_zero_grad $opt
        torch::autocast_enable cpu bfloat16
        set loss [torch::mse_loss [torch::layer_forward $model $x] $y]
        torch::autocast_disable cpu
        torch::tensor_backward [torch::grad_scaler_scale $scaler $loss]
        torch::grad_scaler_step $scaler $opt
        torch::grad_scaler_update $scaler
        torch::lr_scheduler_step_update $sched
        lappend losses [torch::tensor_item $loss]
    }
    return $losses
}
"""


def _run(tcl, d, resume):
    tcl(TRAIN)
    tcl("torch::manual_seed 11; set x [torch::randn {32 8}]; set y [torch::randn {32 4}]")
    tcl("torch::manual_seed 0; build")
    if not resume:
        losses = tcl("train 50")
    else:
        losses = tcl("train 25")
        tcl("torch::save_checkpoint $model $opt $d/run.pt 25 0.0 [torch::get_lr $opt] "
            "-scheduler $sched -scaler $scaler -rng 1")
        tcl("torch::manual_seed 999; build; torch::randn {100}")    # a new session, other RNG
        tcl("torch::load_checkpoint $d/run.pt $model $opt -scheduler $sched -scaler $scaler")
        losses += " " + tcl("train 25")
    h = handles(tcl, model="module", scaler="scaler", opt="optimizer")
    return (losses.split(), [p.detach().clone() for p in h["model"].parameters()],
            h["scaler"].torch.get_scale(), h["opt"].param_groups[0]["lr"])


def test_resumed_training_is_bit_identical(tcl, d):
    losses, params, scale, lr = _run(tcl, d, resume=False)
    r_losses, r_params, r_scale, r_lr = _run(tcl, d, resume=True)
    assert len(losses) == len(r_losses) == 50
    assert r_losses == losses
    assert all(torch.equal(a, b) for a, b in zip(params, r_params, strict=True))
    assert (r_scale, r_lr) == (scale, lr)
    assert scale > 1024.0 and lr < 0.01            # the scale grew, the schedule decayed
    # the RNG state is what keeps dropout in step: resumed without it, the runs part ways
    tcl("torch::manual_seed 999; build")
    tcl("torch::load_checkpoint $d/run.pt $model $opt -scheduler $sched -scaler $scaler -rng 0")
    assert tcl("train 5").split() != losses[25:30]
    tcl("build; torch::load_checkpoint $d/run.pt $model $opt -scheduler $sched -scaler $scaler")
    assert tcl("train 5").split() == losses[25:30]


# --- files that would run code are refused --------------------------------------------------------
class Exploit:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def _malicious(d, protocol):
    """A file whose loading by pickle would create a marker file: written by torch.save, or a
    bare pickle of the given protocol (torch's legacy format uses 2)."""
    marker = d / "pwned"
    path = d / f"evil{protocol}.pt"
    payload = {"model": Exploit(marker)}
    if protocol:
        path.write_bytes(pickle.dumps(payload, protocol=protocol))
    else:
        torch.save(payload, path)
    return path, marker


@pytest.mark.parametrize("protocol", [None, 2, 4])
@pytest.mark.parametrize("script", [
    "torch::load_checkpoint $f $m $o", "torch::load_state $m $f", "torch::load_state_dict $m $f",
    "torch::get_checkpoint_info $f"])
def test_code_in_a_file_never_runs(tcl, d, protocol, script):
    tcl(SETUP)
    path, marker = _malicious(d, protocol)
    tcl.interp.tk.call("set", "f", str(path))
    before = snapshot(tcl)
    e = tcl.error(script)
    if protocol == 4:      # the safe loader stops earlier, at an opcode torch.save never writes
        assert e.message.startswith(f"Cannot read {path}: the file is truncated or corrupt, or "
                                    "holds what the safe loader does not read (")
    else:
        assert e.message == (f"Refusing to load {path}: it holds Python objects other than "
                             "tensors and plain data, and loading them could run code (it "
                             "calls for posix.system)")
    assert not marker.exists()
    assert same_state(snapshot(tcl), before)


# --- bad files change nothing ---------------------------------------------------------------------
def _bad_files(d):
    """(file, error text) pairs; ck.pt is a real checkpoint of the SETUP objects."""
    real = (d / "ck.pt").read_bytes()
    (d / "half.pt").write_bytes(real[: len(real) // 2])
    (d / "garbage.pt").write_bytes(b"not a checkpoint at all" * 10)
    (d / "empty.pt").write_bytes(b"")
    torch.save([1, 2, 3], d / "list.pt")
    wider = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.Linear(6, 3))
    deeper = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Linear(5, 3),
                                 torch.nn.Linear(3, 3))
    for name, net in [("wider", wider), ("deeper", deeper)]:
        opt = torch.optim.Adam(net.parameters())
        torch.save(checkpoint._contents(net, opt, None, None, False, epoch=1, loss=0.0, lr=0.0),
                   d / f"{name}.pt")
    sgd = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Linear(5, 3))
    torch.save(checkpoint._contents(sgd, torch.optim.SGD(sgd.parameters(), 0.1), None, None,
                                    False), d / "sgd.pt")
    bad_state = torch.load(d / "ck.pt", weights_only=True)
    first = next(iter(bad_state["optimizer"]["state_dict"]["state"]))
    bad_state["optimizer"]["state_dict"]["state"][first]["exp_avg"] = torch.zeros(7)
    torch.save(bad_state, d / "badopt.pt")
    return [
        ("half.pt", "the file is truncated or corrupt"),
        ("garbage.pt", "the file is truncated or corrupt"),
        ("empty.pt", "the file is truncated or corrupt"),
        ("list.pt", "it is not a model state or checkpoint file"),
        ("wider.pt", "0.weight has shape [6, 4] in the file, [5, 4] in the model"),
        ("deeper.pt", "does not fit (another architecture?): unexpected 2.bias, 2.weight"),
        ("sgd.pt", "it holds the state of optimizer SGD, not Adam"),
        ("badopt.pt", "the optimizer's exp_avg has shape [7]"),
    ]


def test_bad_files_leave_everything_unchanged(tcl, d):
    tcl(SETUP)
    tcl("torch::save_checkpoint $m $o $d/ck.pt -scheduler $s -scaler $sc -rng 1")
    perturb(tcl)                 # the live state now differs from the file's
    before = snapshot(tcl)
    bad = _bad_files(d)
    rng = torch.get_rng_state()
    for name, text in bad:
        for script in [f"torch::load_checkpoint $d/{name} $m $o -scheduler $s -scaler $sc",
                       f"torch::load_state $m $d/{name} -optimizer $o",
                       f"torch::load_state_dict $m $d/{name}"]:
            if name in ("sgd.pt", "badopt.pt") and "-optimizer" not in script and \
                    "load_checkpoint" not in script:
                continue                       # the model part of those files is fine
            e = tcl.error(script)
            assert text in e.message, (name, script, e.message)
            assert e.message.startswith(f"Cannot read {d}/{name}: ") or \
                e.message.startswith(f"Cannot load {d}/{name}: ")
            assert same_state(snapshot(tcl), before), (name, script)
            assert torch.equal(torch.get_rng_state(), rng)


def test_a_failure_while_applying_undoes_what_was_applied(tcl, d, monkeypatch):
    tcl(SETUP)
    tcl("torch::save_checkpoint $m $o $d/ck.pt -scheduler $s -scaler $sc")
    perturb(tcl)
    before = snapshot(tcl)
    model = handles(tcl, m="module")["m"]

    def fails(*args, **kwargs):
        raise RuntimeError("simulated failure")
    monkeypatch.setattr(model, "load_state_dict", fails)
    e = tcl.error("torch::load_checkpoint $d/ck.pt $m $o -scheduler $s -scaler $sc")
    assert e.message == f"Cannot load {d}/ck.pt: simulated failure"
    assert same_state(snapshot(tcl), before)


# --- saving is atomic -----------------------------------------------------------------------------
def test_a_failed_save_keeps_the_old_file(tcl, d, monkeypatch):
    tcl(SETUP)
    tcl("torch::save_checkpoint $m $o $d/ck.pt 1")
    old = (d / "ck.pt").read_bytes()

    def half_then_fail(obj, f, *args, **kwargs):
        f.write(b"partial")
        raise RuntimeError("disk full")
    monkeypatch.setattr(torch, "save", half_then_fail)
    for script in ["torch::save_checkpoint $m $o $d/ck.pt 2", "torch::save_state $m $d/ck.pt",
                   "torch::save_state_dict $m $d/ck.pt"]:
        e = tcl.error(script)
        assert e.message == f"Cannot save {d}/ck.pt: disk full"
        assert (d / "ck.pt").read_bytes() == old
        assert sorted(p.name for p in d.iterdir()) == ["ck.pt"]
    monkeypatch.undo()
    assert tcl("dict get [torch::get_checkpoint_info $d/ck.pt] epoch") == "1"
    e = tcl.error("torch::save_state_dict $m $d/no/such/dir/x.pt")
    assert e.message.startswith(f"Cannot write {d}/no/such/dir/x.pt: No such file or directory")
    tcl("torch::save_state_dict $m $d/ck.pt")         # a replaced file has a normal file's mode
    assert (d / "ck.pt").stat().st_mode & 0o777 == 0o666 & ~common._umask()


def test_relative_paths_follow_tcl_cd(tcl, d):
    tcl(SETUP)
    here = os.getcwd()
    try:
        tcl("cd $d; torch::save_state_dict $m rel.pt")
        assert (d / "rel.pt").is_file()
        assert tcl("torch::load_state_dict $m rel.pt") == "Model state dict loaded from: rel.pt"
    finally:
        os.chdir(here)


def test_pytorch_tutorial_layout_is_read(tcl, d):
    tcl(SETUP)
    h = handles(tcl, m="module", o="optimizer")
    net = torch.nn.Sequential(torch.nn.Linear(4, 5), torch.nn.Linear(5, 3))
    opt = torch.optim.Adam(net.parameters(), lr=0.05)
    net(torch.randn(2, 4)).sum().backward()
    opt.step()
    torch.save({"model_state_dict": net.state_dict(), "optimizer_state_dict": opt.state_dict(),
                "epoch": 4, "loss": 0.5}, d / "tut.pt")
    assert tcl("torch::load_checkpoint $d/tut.pt $m $o") == \
        f"Checkpoint loaded: {d}/tut.pt (epoch=4, loss=0.5, lr=0.0)"
    assert same_state(dict(h["m"].state_dict()), dict(net.state_dict()))
    assert same_state(h["o"].state_dict()["state"], opt.state_dict()["state"])


# --- freezing -------------------------------------------------------------------------------------
@pytest.mark.parametrize("freeze, unfreeze", [
    ("torch::freeze_model $net", "torch::unfreeze_model $net"),
    ("torch::freeze_model -model $net", "torch::unfreeze_model -model $net"),
    ("torch::freezeModel $net", "torch::unfreezeModel $net"),
    ("torch::freezeModel -model $net", "torch::unfreezeModel -model $net")])
def test_freeze_and_unfreeze(tcl, freeze, unfreeze):
    tcl("set net [torch::sequential [list [torch::linear 3 4] [torch::linear 4 2]]]")
    net = handles(tcl, net="module")["net"]
    assert tcl(freeze) == "Model parameters frozen"
    assert not any(p.requires_grad for p in net.parameters())
    out = net(torch.randn(2, 3))
    assert out.grad_fn is None
    assert tcl("torch::count_parameters $net") == "0"
    assert tcl(unfreeze) == "Model parameters unfrozen"
    assert all(p.requires_grad for p in net.parameters())
    assert net(torch.randn(2, 3)).grad_fn is not None


def test_freezing_one_layer_of_a_sequential(tcl):
    tcl("set a [torch::linear 3 4]; set b [torch::linear 4 2]; set net [torch::sequential "
        "[list $a $b]]; torch::freeze_model $a")
    net = handles(tcl, net="module")["net"]
    assert [p.requires_grad for p in net.parameters()] == [False, False, True, True]


# --- the pages' error texts -----------------------------------------------------------------------
ERRORS = [
    ("torch::freeze_model",
     "Wrong number of arguments for positional syntax. Expected: torch::freeze_model model"),
    ("torch::freeze_model nonexistent_model", "Model not found"),
    ("torch::freeze_model -model", "Missing value for parameter: -model"),
    ("torch::freeze_model -unknown_param value", "Unknown parameter: -unknown_param"),
    ('torch::freeze_model -model ""', "Required parameter missing: -model"),
    ("torch::unfreeze_model nonexistent_model", "Model not found"),
    ("torch::unfreezeModel",
     "Wrong number of arguments for positional syntax. Expected: torch::unfreezeModel model"),
    ("torch::get_checkpoint_info $d/missing.pt", "Checkpoint file not found"),
    ("torch::get_checkpoint_info -file", "Missing value for option -file"),
    ("torch::get_checkpoint_info -foo x", "Unknown parameter: -foo"),
    ("torch::load_checkpoint -filename $d/x.pt",
     "Required parameters missing: filename, model, and optimizer are required"),
    ("torch::load_checkpoint -file $d/x.pt -model nonexistent -optimizer $o", "Model not found"),
    ("torch::load_checkpoint -file $d/x.pt -model $m -optimizer nonexistent",
     "Optimizer not found"),
    ("torch::load_checkpoint -file $d/missing.pt -model $m -optimizer $o",
     "Checkpoint file not found"),
    ("torch::load_checkpoint -invalid $d/x.pt -model $m -optimizer $o",
     "Unknown parameter: -invalid. Valid parameters are: -filename/-file, -model, -optimizer"),
    ("torch::save_checkpoint $m $o", "Required parameter missing: -filename"),
    ("torch::save_checkpoint nonexistent $o $d/x.pt", "Model not found"),
    ("torch::save_checkpoint $m $o $d/x.pt 1.5", 'expected integer but got "1.5"'),
    ("torch::save_checkpoint -model $m -optimizer $o -filename $d/x.pt -epoch 1.5",
     'expected integer but got "1.5"'),
    ("torch::save_checkpoint -model $m -optimizer $o -filename $d/x.pt -loss abc",
     'expected floating-point number but got "abc"'),
    ("torch::save_checkpoint -model $m -optimizer $o -filename $d/x.pt -bogus 1",
     "Unknown parameter: -bogus"),
    ("torch::save_state nonexistent $d/x.pt", "Module not found"),
    ("torch::save_state -module $m", "Required parameter missing: -filename"),
    ("torch::save_state $m {}", "Required parameter missing: filename (an empty file name)"),
    ("torch::load_state $m $d/missing.pt", "File not found: {d}/missing.pt"),
    ("torch::load_state_dict nonexistent $d/x.pt", "Model not found"),
    ("torch::load_state_dict -model $m -filename {}",
     "Required parameter missing: -filename (an empty file name)"),
    ("torch::save_state_dict -model $m -bogus 1", "Unknown parameter: -bogus"),
    ("torch::load_checkpoint $d/x.pt $m $o -scheduler nonexistent", "Scheduler not found"),
    ("torch::save_checkpoint $m $o $d/x.pt -scaler nonexistent", "Gradient scaler not found"),
]


@pytest.mark.parametrize("script, message", ERRORS)
def test_error_texts(tcl, d, script, message):
    tcl(SETUP)
    assert tcl.error(script).message.startswith(message.replace("{d}", str(d)))
    assert not (d / "x.pt").exists()


# --- docs/checkpoints.md: its example runs and resumes exactly ------------------------------------
def test_the_guide_example(d):
    text = (ROOT / "docs" / "checkpoints.md").read_text()
    script = re.search(r"```tcl\n(.*?)```", text, re.S).group(1)

    def last_loss(source):
        session = Session()
        here = os.getcwd()
        try:
            os.chdir(d)
            session(source)
        finally:
            os.chdir(here)
        return session.stdout

    out = last_loss(script)
    assert "Checkpoint saved: " in out and "Checkpoint loaded: " in out
    assert "metadata: epoch 6 loss " in out
    assert not (d / "resume_demo.pt").exists()
    straight = script.split("set path")[0] + \
        "torch::manual_seed 1; build\n" \
        "for {set step 1} {$step <= 12} {incr step} { set loss [train_step] }\n" \
        'puts "loss after 12 steps: $loss"\n'
    want = re.search(r"loss after 12 steps: \S+", last_loss(straight)).group(0)
    assert want in out
