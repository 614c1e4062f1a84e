"""The distributed commands: in this process (a world of one process, the errors, the pages'
texts) and in real jobs of several processes started by torchrun and `torchtcl launch` (gloo on
CPU): every collective against the values torch.distributed defines, DDP training equal to
single-process training (under AMP exactly so against the ranks' shares run in turn), a failing
rank ending the whole job, and a job of two "nodes" meeting through torchrun's c10d rendezvous.

The jobs start together (one module fixture) and each is bounded by a timeout; their processes run
in a session of their own, killed at the end, and each test checks that none of its job's
processes is left.
"""

import os
import re
import socket
import subprocess
import sys
import time

import psutil
import pytest
import torch
import torch.distributed as dist
from conftest import ROOT, assert_same, rnd
from torch.utils.data import DistributedSampler

# One xdist worker for the whole file (its jobs would compete for the 2 cores otherwise).
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("distributed")]

JOB_TIMEOUT = 150
PREFIX = re.compile(r"^\[[a-z]*\d+\]:\s?")     # torchrun's --tee prefix ([rank0]: , [default0]:)

COLLECTIVES = r"""# rank r holds x = arange(2W) + 10 r and prints what each collective gives it
torch::distributed_init -timeout 60
set r [torch::get_rank]
set w [torch::get_world_size]
proc show {key value} { puts "R$::r $key [torch::tensor_to_list $value]" }
set x [torch::tensor_add [torch::arange 0 [expr {2 * $w}] 1 float32] [expr {10.0 * $r}]]
foreach op {sum mean max min} { show all_reduce_$op [torch::all_reduce $x $op] }
show dist_all_reduce_sum [torch::distributedAllReduce -tensor $x -operation sum]
show broadcast [torch::distributed_broadcast -tensor $x -root 1]
show broadcast_alias [torch::broadcast $x 1]
set g [torch::distributed_gather $x 0]
puts "R$r gather [expr {$g eq "" ? "none" : [torch::tensor_to_list $g]}]"
show scatter [torch::distributed_scatter $x 1]
show reduce_scatter_sum [torch::distributed_reduce_scatter $x]
show reduce_scatter_product [torch::distributedReduceScatter -tensor $x -op product]
show all_to_all [torch::distributed_all_to_all $x]
set next [expr {($r + 1) % $w}]
set prev [expr {($r + $w - 1) % $w}]
set s [torch::distributed_isend $x $next 3]
set q [torch::distributedIrecv -shape [list [expr {2 * $w}]] -src $prev -tag 3]
show irecv [torch::distributed_wait $q]
puts "R$r isend [torch::distributed_wait -handle $s] [torch::distributed_test $q]"
if {$r == 0} {
    puts "R$r send [torch::distributed_send $x 1 7]"
} elseif {$r == 1} {
    show recv [torch::distributed_recv -shape [list [expr {2 * $w}]] -src 0 -tag 7]
}
show shard [torch::distributed_shard [torch::arange 0 5 1 float32] -seed 3 -epoch 2]
puts "R$r barrier [torch::distributed_barrier]"
"""

DDP = r"""# 20 SGD steps of a small model, plain and under bf16 autocast + GradScaler:
# data-parallel (each rank its half of the batch), and on rank 0 a single-process twin on the
# whole batch
torch::distributed_init -timeout 60
set r [torch::get_rank]
torch::manual_seed 1
set X [torch::randn {8 4}]
set Y [torch::randn {8 2}]
set Xr [torch::distributed_shard $X -shuffle 0]
set Yr [torch::distributed_shard $Y -shuffle 0]
proc params {model} {
    join [lmap p [torch::layer_parameters $model] {torch::tensor_to_list $p}] |
}
proc train {model X Y amp} {
    set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.1]
    set scaler [torch::grad_scaler_new -device cpu -initScale 256.0]
    for {set i 0} {$i < 20} {incr i} {
        torch::optimizer_zero_grad $opt
        if {$amp} { torch::autocast_enable cpu bfloat16 }
        set loss [torch::mse_loss [torch::layer_forward $model $X] $Y]
        if {$amp} {
            torch::autocast_disable cpu
            torch::tensor_backward [torch::grad_scaler_scale $scaler $loss]
            torch::grad_scaler_step $scaler $opt
            torch::grad_scaler_update $scaler
        } else {
            torch::tensor_backward $loss
            torch::optimizer_step $opt
        }
    }
    return [torch::grad_scaler_get_scale $scaler]
}
foreach amp {0 1} {
    torch::manual_seed 0
    set model [torch::linear 4 2]
    set ddp [torch::distributed_data_parallel $model]
    set scale [train $ddp $Xr $Yr $amp]
    puts "R$r ddp$amp $scale [params $model]"
    if {$r == 0} {
        torch::manual_seed 0
        set single [torch::linear 4 2]
        set scale [train $single $X $Y $amp]
        puts "R$r single$amp $scale [params $single]"
    }
}
# one AMP step whose gradients overflow (inputs x1000, scale 3e38): every rank skips it
set scaler [torch::grad_scaler_new -device cpu -initScale 3e38]
set opt [torch::optimizer_sgd [torch::layer_parameters $ddp] 0.1]
set before [lmap p [torch::layer_parameters $model] {torch::tensor_to_list $p}]
torch::autocast_enable cpu bfloat16
set loss [torch::mse_loss [torch::layer_forward $ddp [torch::tensor_mul $Xr 1000.0]] $Yr]
torch::autocast_disable cpu
torch::tensor_backward [torch::grad_scaler_scale $scaler $loss]
torch::grad_scaler_step $scaler $opt
torch::grad_scaler_update $scaler
set after [lmap p [torch::layer_parameters $model] {torch::tensor_to_list $p}]
puts "R$r skip [torch::grad_scaler_get_scale $scaler] [expr {$before eq $after}]"
# AMP with overflows, for the exact comparison (test_ddp_with_amp_equals_the_ranks_shares): a
# first scale of 2^127 and targets x4 overflow the first steps' gradients, and growth every 3
# steps makes them overflow again later
torch::manual_seed 0
set model [torch::linear 4 2]
puts "R$r init [params $model]"
set ddp [torch::distributed_data_parallel $model]
set opt [torch::optimizer_sgd [torch::layer_parameters $ddp] 0.1]
set scaler [torch::grad_scaler_new -device cpu -initScale [expr {2.0 ** 127}] -growthInterval 3]
set Yr4 [torch::tensor_mul $Yr 4.0]
set scales {}
for {set i 0} {$i < 20} {incr i} {
    torch::optimizer_zero_grad $opt
    torch::autocast_enable cpu bfloat16
    set loss [torch::mse_loss [torch::layer_forward $ddp $Xr] $Yr4]
    torch::autocast_disable cpu
    torch::tensor_backward [torch::grad_scaler_scale $scaler $loss]
    torch::grad_scaler_step $scaler $opt
    torch::grad_scaler_update $scaler
    lappend scales [torch::grad_scaler_get_scale $scaler]
}
puts "R$r scales $scales"
puts "R$r overflow [params $model]"
"""

FAILING = r"""torch::distributed_init -timeout 60
if {[torch::get_rank] == 1} { after 300; error "rank one gave up" }
torch::distributed_barrier
puts "rank 0 passed the barrier"
"""


# --- the jobs ------------------------------------------------------------------------------------
class Job:
    """A launcher in a session of its own, its output (stdout and stderr) collected."""

    def __init__(self, argv, cwd):
        env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
        self.started = time.monotonic()
        self.proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, env=env,
                                     start_new_session=True)
        self._done = None

    def result(self):
        """(exit status, output, seconds taken), once it ended (killed past JOB_TIMEOUT)."""
        if self._done is None:
            left = max(1.0, JOB_TIMEOUT - (time.monotonic() - self.started))
            try:
                out, _ = self.proc.communicate(timeout=left)
            except subprocess.TimeoutExpired:
                self.kill()
                out, _ = self.proc.communicate()
                pytest.fail(f"job timed out after {JOB_TIMEOUT} s:\n{out}")
            self._done = (self.proc.returncode, out, time.monotonic() - self.started)
        return self._done

    def leftovers(self):
        """Processes of the job's session still alive."""
        found = []
        for p in psutil.process_iter():
            try:
                if os.getsid(p.pid) == self.proc.pid and p.status() != psutil.STATUS_ZOMBIE:
                    found.append(p)
            except (ProcessLookupError, psutil.Error):
                pass
        return found

    def kill(self):
        try:
            os.killpg(self.proc.pid, 9)
        except ProcessLookupError:
            pass


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _torchrun(logs, *args):
    return [sys.executable, "-m", "torch.distributed.run", "--tee", "3", "--log-dir", str(logs),
            *args, "-m", "torchtcl_kernel", "run"]


def _torchtcl(*args):
    return [sys.executable, "-m", "torchtcl_kernel", *args]


@pytest.fixture(scope="module")
def jobs(tmp_path_factory):
    """Every job of the file, started at once: they take most of their time starting Python."""
    tmp = tmp_path_factory.mktemp("jobs")
    for name, text in (("coll.tcl", COLLECTIVES), ("ddp.tcl", DDP), ("fail.tcl", FAILING)):
        (tmp / name).write_text(text)
    port = _free_port()
    two_nodes = ["--nnodes", "2", "--nproc-per-node", "1", "--rdzv-backend", "c10d",
                 "--rdzv-endpoint", f"127.0.0.1:{port}", "--rdzv-id", "two-nodes"]
    started = {
        "three": Job(_torchtcl("launch", "-n", "3", "-c", COLLECTIVES), tmp),
        "ddp": Job(_torchrun(tmp, "--nproc-per-node", "2") + ["ddp.tcl"], tmp),
        "fail": Job(_torchtcl("launch", "-n", "2", "fail.tcl"), tmp),
        "node0": Job(_torchrun(tmp, *two_nodes, "--node-rank", "0") + ["coll.tcl"], tmp),
        "node1": Job(_torchtcl("launch", "--nnodes", "2", "-n", "1", "--node-rank", "1",
                               "--rdzv-endpoint", f"127.0.0.1:{port}", "--rdzv-id", "two-nodes",
                               "coll.tcl"), tmp),
    }
    yield started
    for job in started.values():
        job.kill()
        # reaped, its pipe closed: a run of only some of these tests leaves the other jobs
        # unread, and their Popen objects would warn at collection, failing another test
        job.proc.communicate()


def _lines(out):
    """{(rank, key): rest} of the lines the scripts print as `R<rank> <key> <rest>`."""
    found = {}
    for line in out.splitlines():
        m = re.match(r"R(\d+) (\S+) ?(.*)$", PREFIX.sub("", line))
        if m:
            found[int(m.group(1)), m.group(2)] = m.group(3)
    return found


def _numbers(text):
    return [float(w) for w in text.replace("{", " ").replace("}", " ").split()]


def _expected_collectives(world):
    """What each rank must print: torch's definitions of the collectives on x_j = arange(2W)
    + 10 j."""
    xs = [torch.arange(2 * world, dtype=torch.float32) + 10.0 * j for j in range(world)]
    total, product = sum(xs), torch.stack(xs).prod(0)
    want = {}
    for r in range(world):
        part = lambda t: t.chunk(world)[r]          # noqa: E731, B023 (used at once)
        sampler = DistributedSampler(range(5), num_replicas=world, rank=r, shuffle=True, seed=3)
        sampler.set_epoch(2)
        want[r] = {
            "all_reduce_sum": total, "all_reduce_mean": total / world,
            "all_reduce_max": xs[-1], "all_reduce_min": xs[0], "dist_all_reduce_sum": total,
            "broadcast": xs[1], "broadcast_alias": xs[1],
            "gather": torch.cat(xs) if r == 0 else None,
            "scatter": part(xs[1]), "reduce_scatter_sum": part(total),
            "reduce_scatter_product": part(product),
            "all_to_all": torch.cat([part(x) for x in xs]),
            "irecv": xs[(r - 1) % world],
            "shard": torch.tensor(list(sampler), dtype=torch.float32),
        }
        if r == 1:
            want[r]["recv"] = xs[0]
    return want


def _check_collectives(out, world):
    got = _lines(out)
    for r, values in _expected_collectives(world).items():
        for key, value in values.items():
            if value is None:
                assert got[r, key] == "none", key
            else:
                assert _numbers(got[r, key]) == value.tolist(), (r, key)
        assert got[r, "isend"] == "send_completed true"
        assert got[r, "barrier"] == "Barrier synchronized (multi-process)"
    assert got[0, "send"] == "send_completed"


def test_collectives_on_three_ranks(jobs):
    """torchtcl launch -n 3 -c SCRIPT: every collective and point-to-point command."""
    status, out, _ = jobs["three"].result()
    assert status == 0, out
    _check_collectives(out, 3)
    assert re.search(r"^\[rank2\]: R2 shard ", out, re.M)      # lines prefixed by their rank
    assert not jobs["three"].leftovers()


def test_two_nodes_through_c10d_rendezvous(jobs):
    """Two launchers (--nnodes 2, one process each: torchrun, and torchtcl launch with its
    multi-node flags) meet at one c10d endpoint and form a world of 2, on which the collectives
    run."""
    results = [jobs[f"node{i}"].result() for i in (0, 1)]
    for status, out, _ in results:
        assert status == 0, out
    _check_collectives(results[0][1] + results[1][1], 2)
    assert not jobs["node0"].leftovers() and not jobs["node1"].leftovers()


def _flat(text):
    """The parameters a DDP line prints (`w|b`, Tcl lists) as one float64 vector."""
    return torch.tensor(_numbers(text.replace("|", " ")), dtype=torch.float64)


def _parameters(text):
    """The `scale params` a DDP line ends with: (scale, flat parameter values)."""
    scale, rest = text.split(" ", 1)
    return float(scale), _flat(rest)


def test_ddp_training_equals_single_process_training(jobs):
    """20 SGD steps on 2 ranks, each with half the batch, give rank 0's single-process twin's
    parameters on the whole batch; both ranks hold the same parameters."""
    status, out, _ = jobs["ddp"].result()
    assert status == 0, out
    got = _lines(out)
    _, ddp0 = _parameters(got[0, "ddp0"])
    _, ddp1 = _parameters(got[1, "ddp0"])
    _, single = _parameters(got[0, "single0"])
    assert torch.equal(ddp0, ddp1)
    torch.testing.assert_close(ddp0, single, rtol=0, atol=1e-6)
    assert not torch.allclose(single, _parameters(got[0, "single1"])[1], rtol=0, atol=1e-7)


def test_ddp_with_amp(jobs):
    """bf16 autocast + GradScaler under DDP against single-process training on the whole batch:
    ranks agree exactly, match within 2e-3, and all skip the step whose gradients overflow
    (scale halved, parameters unchanged).

    Whole-batch training cannot match exactly under bf16: autocast runs the linear layer's
    matmuls in bf16, whose results are rounded to 8 significant bits, and a rank's gradient is
    the rounded sum over its 4 rows while the whole batch's is the rounded sum over 8 rows. The
    two differ by up to 2^-8 relative on each step's gradient, and 20 steps carry that into the
    parameters (2e-4 here, measured; the bound leaves room for other seeds and builds).
    test_ddp_with_amp_equals_the_ranks_shares makes the exact comparison."""
    status, out, _ = jobs["ddp"].result()
    assert status == 0, out
    got = _lines(out)
    scale0, ddp0 = _parameters(got[0, "ddp1"])
    scale1, ddp1 = _parameters(got[1, "ddp1"])
    scale, single = _parameters(got[0, "single1"])
    assert torch.equal(ddp0, ddp1) and scale0 == scale1 == scale == 256.0
    torch.testing.assert_close(ddp0, single, rtol=0, atol=2e-3)
    for r in (0, 1):
        assert got[r, "skip"] == "1.5000000027488779e+38 1"


def _ddp_by_hand(world):
    """The DDP script's overflow run redone in this process as DistributedDataParallel computes
    it on `world` ranks, one rank's share after the other. Rank r's share is the rows r,
    r + world, ... (distributed_shard -shuffle 0: DistributedSampler's split). Each share's
    forward and backward run under bf16 autocast (the same bf16 roundings as on its rank); its
    gradients are multiplied by 1/world, as DDP's reducer does when it copies them into its
    bucket (no comm hook: the default), and summed over the shares, as gloo's allreduce SUM does
    (for 2 ranks one fp32 addition, the same in either order); then the GradScaler's step and
    update. world=1 is single-process training on the whole batch. Returns (initial parameters,
    the scale after each step, final parameters)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)                   # as the ranks run (OMP_NUM_THREADS=1)
    try:
        torch.manual_seed(1)                   # the script's data and model (same seeds)
        x, y = torch.randn(8, 4), torch.randn(8, 2) * 4.0
        torch.manual_seed(0)
        model = torch.nn.Linear(4, 2)
        init = [p.detach().clone() for p in model.parameters()]
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        scaler = torch.amp.GradScaler("cpu", init_scale=2.0 ** 127, growth_interval=3)
        scales = []
        for _ in range(20):
            total = None
            for r in range(world):             # rank r's rows: r, r + world, ... (the shard)
                xs, ys = x[r::world], y[r::world]
                opt.zero_grad()
                with torch.autocast("cpu", dtype=torch.bfloat16):
                    loss = torch.nn.functional.mse_loss(model(xs), ys)
                scaler.scale(loss).backward()
                share = [p.grad * (1.0 / world) for p in model.parameters()]
                total = share if total is None else [a + b for a, b in zip(total, share,
                                                                            strict=True)]
            for p, g in zip(model.parameters(), total, strict=True):
                p.grad = g
            scaler.step(opt)
            scaler.update()
            scales.append(scaler.get_scale())
        flat = lambda ps: torch.cat([p.detach().flatten() for p in ps]).double()  # noqa: E731
        return flat(init), scales, flat(model.parameters())
    finally:
        torch.set_num_threads(threads)


def test_ddp_with_amp_equals_the_ranks_shares(jobs):
    """The exact comparison under bf16 autocast + GradScaler: 20 DDP steps on 2 ranks equal,
    within 1e-6, single-process training that computes each rank's half batch in turn and
    averages the gradients as DDP does (_ddp_by_hand). The scaler skips steps (2^127 overflows at
    first, and again after it grew back), on the same steps on both ranks and in the reference.
    (In practice the parameters are equal bit for bit.) Whole-batch training differs from both
    by far more: the bf16 rounding of partial sums, and with it other steps skipped."""
    status, out, _ = jobs["ddp"].result()
    assert status == 0, out
    got = _lines(out)
    init, scales, want = _ddp_by_hand(2)
    assert torch.equal(_flat(got[0, "init"]), init)        # the same start as the script's
    skipped = [b < a for a, b in zip([2.0 ** 127, *scales], scales, strict=False)]
    assert skipped[0] and sum(skipped) >= 2 and not all(skipped)
    for r in (0, 1):
        assert _numbers(got[r, "scales"]) == scales, r
        torch.testing.assert_close(_flat(got[r, "overflow"]), want, rtol=0, atol=1e-6)
    whole = _ddp_by_hand(1)[2]
    assert (whole - want).abs().max() > 1e-4


def test_failing_rank_fails_the_job(jobs):
    """A Tcl error on rank 1 ends the whole job at once (rank 0 waits in a barrier with a 60 s
    timeout): status 1, rank 1's error shown, nothing left running."""
    status, out, seconds = jobs["fail"].result()
    assert status == 1
    assert "[rank1]: rank one gave up" in out and '(file "fail.tcl" line 2)' in out
    assert "passed the barrier" not in out
    assert seconds < 55
    assert not jobs["fail"].leftovers()


# --- in this process: a world of one --------------------------------------------------------------
@pytest.fixture(scope="module")
def tcl(shared):
    """The file's interpreter, with no process group before and after."""
    if dist.is_initialized():
        dist.destroy_process_group()
    yield shared
    if dist.is_initialized():
        dist.destroy_process_group()


@pytest.fixture
def alone(tcl):
    """A world of one process joined."""
    tcl("torch::distributed_init 0 1 127.0.0.1")
    return tcl


@pytest.fixture
def not_joined(tcl):
    if dist.is_initialized():
        dist.destroy_process_group()
    yield tcl
    if dist.is_initialized():        # nor does a test leave its group to the next one
        dist.destroy_process_group()


def test_a_compiled_ddp_model_takes_unfused_steps(alone):
    """DDP all-reduces gradients from hooks in autograd's engine, which the fused step of
    torch::train_step (fused_step.py) does not run: a compiled DDP model's steps stay unfused."""
    tcl = alone
    tcl("torch::manual_seed 0; set ddp [torch::distributed_data_parallel [torch::linear 4 3]]; "
        "set c [torch::compile $ddp -backend eager]; "
        "set opt [torch::optimizer_sgd [torch::layer_parameters $c] 0.1 0.9]; "
        "set x [torch::randn {8 4}]; set y [torch::tensor_create {0 1 2 0 1 2 0 1} int64]")
    for _ in range(3):
        tcl("torch::train_step $c $x $y $opt")
    info = tcl.dict("torch::compile_info $c")
    assert info["step"] == "unfused" and info["step_reason"].startswith(
        "the model is distributed")


def test_defaults_before_init(not_joined):
    tcl = not_joined
    assert [tcl(f"torch::{c}") for c in ("is_distributed", "get_rank", "get_world_size",
                                         "isDistributed", "getRank", "getWorldSize")] == \
        ["0", "0", "1", "0", "0", "1"]
    assert tcl("torch::distributed_barrier") == "Distributed not initialized"


@pytest.mark.parametrize("script", [
    "torch::all_reduce $t", "torch::distributed_all_reduce $t", "torch::broadcast $t",
    "torch::distributed_gather $t", "torch::distributed_scatter $t",
    "torch::distributed_reduce_scatter $t", "torch::distributed_all_to_all $t",
    "torch::distributed_send $t 0", "torch::distributed_recv {2} 0",
    "torch::distributed_isend $t 0", "torch::distributed_irecv {2} 0",
    "torch::distributed_data_parallel [torch::linear 2 2]"])
def test_a_collective_before_init_joins_a_world_of_one(not_joined, script):
    """As the reference's pages use them: a single process's collectives work at once."""
    not_joined(f"set t {not_joined.interp.put(torch.ones(2))}")
    not_joined(script)
    assert dist.is_initialized() and dist.get_world_size() == 1
    assert not_joined("torch::get_world_size") == "1"


def test_a_launched_worker_must_init_first(not_joined, monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    not_joined(f"set t {not_joined.interp.put(torch.ones(2))}")
    assert not_joined.error("torch::all_reduce $t").message.startswith(
        "Distributed not initialized: call torch::distributed_init first")


@pytest.mark.parametrize("script", [
    "torch::distributed_init 0 1 127.0.0.1",
    "torch::distributed_init 0 1 10.0.0.1 29501 gloo",
    "torch::distributed_init -rank 0 -worldSize 1 -masterAddr localhost -timeout 5",
    "torch::distributedInit -rank 0 -world_size 1 -master_addr localhost -backend gloo",
])
def test_init_a_world_of_one(not_joined, script):
    want = "Distributed training initialized (single GPU): rank=0, world_size=1, backend=gloo"
    assert not_joined(script) == want
    assert not_joined("torch::is_distributed") == "0"        # a world of one, says its page
    assert dist.is_initialized()
    assert dist.get_world_size() == 1 and dist.get_backend() == "gloo"
    assert not_joined(script) == want          # again: the group is made anew


def test_init_from_the_launchers_environment(not_joined, monkeypatch):
    for name, value in {"RANK": "0", "WORLD_SIZE": "1", "MASTER_ADDR": "127.0.0.1",
                        "MASTER_PORT": "29555"}.items():
        monkeypatch.setenv(name, value)
    assert not_joined("torch::distributed_init").startswith("Distributed training initialized")
    assert not_joined("torch::get_world_size") == "1"


INIT_MISSING = ("Required parameters missing or invalid: -rank, -worldSize, and -masterAddr are "
                "required")


@pytest.mark.parametrize("script, error", [
    ("torch::distributed_init -rank 0 -masterAddr 127.0.0.1", INIT_MISSING),
    ("torch::distributed_init 0 1", INIT_MISSING),
    ("torch::distributed_init -rank not_a_number -worldSize 1 -masterAddr 127.0.0.1",
     "Invalid -rank parameter. Must be an integer."),
    ("torch::distributed_init -rank -1 -worldSize 1 -masterAddr 127.0.0.1", INIT_MISSING),
    ("torch::distributed_init -rank 0 -worldSize 0 -masterAddr 127.0.0.1", INIT_MISSING),
    ("torch::distributed_init -rank 0 -worldSize 1 -masterAddr {}", INIT_MISSING),
    ("torch::distributed_init -rank 2 -worldSize 2 -masterAddr 127.0.0.1", INIT_MISSING),
    ("torch::distributed_init -rank 0 -worldSize 1 -masterAddr 127.0.0.1 -unknown value",
     "Unknown parameter: -unknown"),
    ("torch::distributed_init 0 1 127.0.0.1 29500 gloo extra",
     "Wrong number of arguments for positional syntax. Expected: torch::distributed_init rank "
     "world_size master_addr ?master_port? ?backend?"),
    ("torch::distributed_init 0 1 127.0.0.1 29500 mpi",
     "Backend mpi is not available in this PyTorch build"),
])
def test_init_errors(not_joined, script, error):
    assert not_joined.error(script).message.startswith(error)
    assert not_joined("torch::is_distributed") == "0"


@pytest.mark.parametrize("variable", ["LOCAL_RANK", "TORCHELASTIC_RUN_ID"])
def test_a_launched_process_does_not_emulate(not_joined, monkeypatch, variable):
    """Any trace of a launcher (here without WORLD_SIZE) turns the emulation off."""
    monkeypatch.setenv(variable, "0")
    assert not_joined.error("torch::distributed_init 0 4 127.0.0.1").message.startswith(
        "world_size 4 needs 4 processes started together")
    assert not_joined("torch::is_distributed") == "0"


def test_init_must_match_the_launcher(not_joined, monkeypatch):
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    message = not_joined.error("torch::distributed_init 0 2 127.0.0.1").message
    assert message == "rank 0 of 2 does not match this process's launcher (RANK=1, WORLD_SIZE=2)"


# (scripts, expected from the input t): in a world of one, what torch.distributed gives.
WORLD_OF_ONE = [
    (["torch::all_reduce $t", "torch::all_reduce -tensor $t -operation max",
      "torch::allReduce $t mean", "torch::distributed_all_reduce -operation min -tensor $t",
      "torch::distributedAllReduce $t", "torch::broadcast $t", "torch::distributed_broadcast $t 0",
      "torch::distributedBroadcast -tensor $t -root 0", "torch::distributed_scatter $t",
      "torch::distributedScatter -tensor $t -src 0 -group {}",
      "torch::distributed_reduce_scatter $t product", "torch::distributed_all_to_all $t",
      "torch::distributedAllToAll -tensor $t", "torch::distributed_reduce_scatter -tensor $t"],
     lambda t: t),
    (["torch::distributed_gather $t", "torch::distributedGather -tensor $t -dst 0"],
     lambda t: t.unsqueeze(0)),
]


def test_barrier_and_sends_in_a_world_of_one(alone):
    assert alone("torch::distributedBarrier") == "Barrier synchronized (single GPU)"
    assert alone.error("torch::distributed_barrier x").message == \
        "Wrong number of arguments. Expected: torch::distributed_barrier"
    alone(f"set t {alone.interp.put(torch.ones(2))}")
    assert alone.error("torch::distributed_send $t 1").message == \
        "Invalid dst rank 1: the job has 1 process (ranks 0 to 0)"
    for script in ("torch::distributed_recv {2} 0", "torch::distributed_isend $t 0",
                   "torch::distributed_irecv -shape 2 -src 0", "torch::distributed_send $t 0"):
        assert alone.error(script).message.endswith(
            "rank 0: it is this process's own rank (a point-to-point transfer needs another "
            "process)")
    assert alone.error("torch::distributed_broadcast $t 3").message == \
        "Invalid root rank 3: the job has 1 process (ranks 0 to 0)"
    assert "divisible by the world size" not in alone("torch::distributed_scatter $t")
    alone(f"set s {alone.interp.put(torch.tensor(1.0))}")
    assert alone.error("torch::distributed_scatter $s").message == \
        "scatter needs a first dimension divisible by the world size 1, got shape []"


# --- in this process: the reference's single-process emulation of a larger world --------------
EMULATED = ("Distributed training initialized (emulated multi-GPU): rank={}, world_size={}, "
            "backend=emulated_gloo (Note: Real multi-GPU requires NCCL headers)")


@pytest.fixture
def emulated(tcl):
    """distributed_init 1 4 with no launcher: rank 1 of an emulated world of 4."""
    assert tcl("torch::distributed_init 1 4 127.0.0.1 29500 gloo") == EMULATED.format(1, 4)
    yield tcl
    if dist.is_initialized():
        dist.destroy_process_group()


@pytest.mark.parametrize("script, rank, size", [
    ("torch::distributed_init 0 4 127.0.0.1 29500 gloo", 0, 4),
    ("torch::distributed_init -rank 1 -worldSize 4 -masterAddr 192.168.1.100 -masterPort 29501 "
     "-backend gloo", 1, 4),
    ("torch::distributedInit -rank 2 -worldSize 3 -masterAddr localhost -backend gloo", 2, 3),
])
def test_emulated_init(not_joined, script, rank, size):
    tcl = not_joined
    assert tcl(script) == EMULATED.format(rank, size)
    assert [tcl(f"torch::{c}") for c in ("get_rank", "get_world_size", "is_distributed",
                                         "getRank", "getWorldSize", "isDistributed")] == \
        [str(rank), str(size), "1", str(rank), str(size), "1"]
    # what really runs is a world of one process
    assert dist.is_initialized() and dist.get_world_size() == 1 and dist.get_rank() == 0
    assert tcl("torch::distributed_barrier") == "Barrier synchronized (simulated multi-GPU)"
    # a later world of one ends the emulation, as does a destroyed group
    assert tcl("torch::distributed_init 0 1 127.0.0.1").startswith(
        "Distributed training initialized (single GPU)")
    assert [tcl("torch::get_rank"), tcl("torch::get_world_size"),
            tcl("torch::is_distributed")] == ["0", "1", "0"]
    tcl(script)
    dist.destroy_process_group()
    assert [tcl("torch::get_rank"), tcl("torch::get_world_size"),
            tcl("torch::is_distributed")] == ["0", "1", "0"]
    assert tcl("torch::distributed_barrier") == "Distributed not initialized"


def test_emulated_init_errors(not_joined):
    assert not_joined.error("torch::distributed_init 4 4 127.0.0.1").message == INIT_MISSING
    assert not_joined.error("torch::distributed_init 0 4 127.0.0.1 29500 mpi").message == \
        "Backend mpi is not available in this PyTorch build"


# (scripts, expected from the input t): the collectives run on the real world of one process
EMULATED_COLLECTIVES = [
    (["torch::all_reduce $t", "torch::all_reduce -tensor $t -operation max",
      "torch::distributed_all_reduce -operation min -tensor $t", "torch::broadcast $t 3",
      "torch::distributed_broadcast $t 2", "torch::distributedBroadcast -tensor $t -root 1",
      "torch::distributed_scatter $t 1", "torch::distributed_scatter $t 3 workers",
      "torch::distributedScatter -tensor $t -src 2 -group data_parallel",
      "torch::distributed_reduce_scatter $t product workers",
      "torch::distributed_reduce_scatter -tensor $t -op max -group g",
      "torch::distributed_all_to_all $t", "torch::distributed_all_to_all $t group1",
      "torch::distributed_wait [torch::distributed_isend $t 1]"
      " ;# a send's copy (never sent)"],
     lambda t: t),
    (["torch::distributed_gather $t", "torch::distributed_gather $t 3",
      "torch::distributedGather -tensor $t -dst 1 -group workers"],
     lambda t: t.unsqueeze(0)),
]


# Both single-process worlds (a real world of one, and the reference's emulation on top of one)
ONE_PROCESS = [("alone", *row) for row in WORLD_OF_ONE] + \
    [("emulated", *row) for row in EMULATED_COLLECTIVES]


@pytest.mark.parametrize("make", [
    lambda: rnd(1, 4, 3), lambda: rnd(2, 3, 4).t(), lambda: torch.arange(6, dtype=torch.int32),
    lambda: torch.zeros(0, 2, dtype=torch.float64)], ids=["float", "transposed", "int", "empty"])
@pytest.mark.parametrize("world, scripts, expected", ONE_PROCESS)
def test_collectives_in_one_process(request, world, make, scripts, expected):
    tcl = request.getfixturevalue(world)
    t = make()
    before = t.clone()
    tcl(f"set t {tcl.interp.put(t)}")
    for script in scripts:
        if "mean" in script and not t.is_floating_point():
            # ReduceOp.AVG divides in place: PyTorch refuses it on integers
            assert "can't be cast" in tcl.error(script).message
            continue
        if "isend" in script:
            assert tcl(script) == "send_completed"
            continue
        got = tcl.interp.tensor(tcl(script))
        assert_same(got, expected(t))
        assert got.grad_fn is None
    assert torch.equal(t, before)                  # the input keeps its values


def test_point_to_point_in_the_emulation(emulated):
    tcl = emulated
    tcl(f"set t {tcl.interp.put(torch.ones(2, 2))}")
    for script in ("torch::distributed_send $t 0", "torch::distributed_send $t 3 7",
                   "torch::distributedSend -tensor $t -dst 2 -tag 1"):
        assert tcl(script) == "send_completed"          # own rank too, as the pages do
    for script, shape in (("torch::distributed_recv {2 3} 0", [2, 3]),
                          ("torch::distributedRecv -shape {4} -src 1 -tag 42", [4]),
                          ("torch::distributed_recv -shape {2} -src 3 -dtype int64", [2])):
        got = tcl.interp.tensor(tcl(script))
        assert list(got.shape) == shape and not got.any()      # nothing received: zeros
    assert tcl.interp.tensor(tcl("torch::distributed_recv -shape {2} -src 3 -dtype int64")) \
        .dtype == torch.int64
    s = tcl("torch::distributed_isend $t 3 5")
    assert s.startswith("isend_handle_")
    assert tcl(f"torch::distributed_test {s}") == "true"
    assert tcl(f"torch::distributed_wait -handle {s}") == "send_completed"
    r = tcl("torch::distributed_irecv -shape {3 2} -src 2")
    assert r.startswith("irecv_handle_") and tcl(f"torch::distributedTest {r}") == "true"
    got = tcl.interp.tensor(tcl(f"torch::distributed_wait {r}"))
    assert list(got.shape) == [3, 2] and not got.any()
    # ranks are checked against the emulated world
    assert tcl.error("torch::distributed_send $t 4").message == \
        "Invalid dst rank 4: the job has 4 processes (ranks 0 to 3)"
    assert tcl.error("torch::distributed_irecv {2} 9").message == \
        "Invalid src rank 9: the job has 4 processes (ranks 0 to 3)"
    assert tcl.error("torch::distributed_broadcast $t 4").message == \
        "Invalid root rank 4: the job has 4 processes (ranks 0 to 3)"
    assert tcl.error("torch::distributed_gather $t 5").message == \
        "Invalid dst rank 5: the job has 4 processes (ranks 0 to 3)"


def test_handle_names_in_the_emulation(emulated):
    """Names no request made are answered from the name, as the reference does, only while
    emulating."""
    tcl = emulated
    assert tcl("torch::distributed_test isend_handle_99") == "true"
    assert tcl("torch::distributed_test -handle my_handle") == "true"
    assert tcl("torch::distributed_wait isend_handle_dst1_tag0") == "send_completed"
    assert tcl("torch::distributed_wait -handle generic_handle") == "operation_completed"
    assert tcl.interp.tensor(tcl("torch::distributed_wait irecv_handle_src0_tag0")).numel() == 0
    tcl("torch::distributed_init 0 1 127.0.0.1")
    for script in ("torch::distributed_test my_handle", "torch::distributed_wait isend_handle_9"):
        assert tcl.error(script).message == "Invalid handle"
    assert tcl.error("torch::distributed_scatter [torch::ones {2}] 0 workers").message \
        .startswith('Unknown process group "workers"')


@pytest.mark.parametrize("n, world, shuffle, drop_last, seed, epoch", [
    (10, 3, True, False, 0, 0), (10, 3, True, True, 5, 2), (10, 3, False, False, 0, 0),
    (10, 4, False, True, 0, 0), (2, 3, True, False, 1, 1), (0, 2, True, False, 0, 0)])
def test_shard_is_distributed_samplers_share(tcl, n, world, shuffle, drop_last, seed, epoch):
    data = rnd(3, n, 2)
    tcl(f"set d {tcl.interp.put(data)}")
    for rank in range(world):
        sampler = DistributedSampler(range(n), num_replicas=world, rank=rank, shuffle=shuffle,
                                     seed=seed, drop_last=drop_last)
        sampler.set_epoch(epoch)
        want = data[list(sampler)]
        got = tcl(f"torch::distributed_shard -tensor $d -shuffle {int(shuffle)} -seed {seed} "
                  f"-epoch {epoch} -dropLast {int(drop_last)} -rank {rank} -worldSize {world}")
        assert_same(tcl.interp.tensor(got), want)


def test_shard_defaults_to_the_job(not_joined):
    data = rnd(4, 5, 3).t()                          # shards along the first dim, even strided
    not_joined(f"set d {not_joined.interp.put(data)}")
    sampler = DistributedSampler(range(3), num_replicas=1, rank=0)
    for script in ("torch::distributed_shard $d", "torch::distributedShard -input $d -seed 0"):
        assert_same(not_joined.interp.tensor(not_joined(script)), data[list(sampler)])
    assert "num_replicas" in not_joined.error("torch::distributed_shard $d -rank 3").message \
        or "rank" in not_joined.error("torch::distributed_shard $d -rank 3").message


def test_ddp_module_handle(alone):
    """A DDP module is a module handle: layer_forward, layer_parameters, optimizers take it."""
    torch.manual_seed(0)
    alone("torch::manual_seed 0; set m [torch::linear 3 2]")
    model = alone.interp.store.get(alone("set m"), "module")
    wrapped = alone("set d [torch::distributedDataParallel -model $m]")
    ddp = alone.interp.store.get(wrapped, "module")
    assert isinstance(ddp, torch.nn.parallel.DistributedDataParallel) and ddp.module is model
    x = rnd(5, 4, 3, dtype=torch.float32)
    alone(f"set x {alone.interp.put(x)}")
    out = alone.interp.tensor(alone("torch::layer_forward $d $x"))
    assert_same(out, model(x))
    assert out.grad_fn is not None
    alone("torch::optimizer_sgd [torch::layer_parameters $d] 0.1")


# The pages' error texts.
@pytest.mark.parametrize("script, error", [
    ("torch::all_reduce -operation sum",
     "Invalid arguments: tensor required and operation must be sum/mean/max/min"),
    ("torch::all_reduce -tensor $t -operation invalid",
     "Invalid arguments: tensor required and operation must be sum/mean/max/min"),
    ("torch::all_reduce -tensor $t -unknown_param value", "unknown option: -unknown_param"),
    ("torch::all_reduce -tensor nonexistent", "Tensor not found"),
    ("torch::distributed_all_to_all invalid_tensor", "Invalid tensor name"),
    ("torch::distributed_broadcast", 'wrong # args: should be "distributed_broadcast tensor '
                                     '?root?"'),
    ("torch::distributed_broadcast invalid_tensor", "Tensor not found"),
    ("torch::distributed_broadcast $t not_number", "root must be an integer"),
    ("torch::distributed_broadcast $t -1",
     "Invalid arguments: tensor required and root must be >= 0"),
    ("torch::distributed_gather -dst 0", "Required parameter missing: -tensor"),
    ("torch::distributed_gather -tensor nonexistent", "Invalid tensor name"),
    ("torch::distributed_gather -tensor $t -dst not_a_number",
     "Invalid -dst parameter. Must be an integer."),
    ("torch::distributed_gather -tensor $t -invalid_param value",
     "Unknown parameter: -invalid_param"),
    ("torch::distributed_gather $t 0 {} extra", "Wrong number of arguments for positional syntax"),
    ("torch::distributed_gather $t 0 group1", 'Unknown process group "group1"'),
    ("torch::distributed_irecv -shape {3 3}",
     "Required parameters missing or invalid: -shape and -src are required"),
    ("torch::distributed_irecv -shape {3 3} -src not_a_number",
     "Invalid -src parameter. Must be an integer."),
    ("torch::distributed_irecv -shape {3 3} -src 0 -tag not_a_number",
     "Invalid -tag parameter. Must be an integer."),
    ("torch::distributed_irecv -shape {3 3} -src -1",
     "Required parameters missing or invalid: -shape and -src are required"),
    ("torch::distributed_irecv -shape {} -src 0",
     "Required parameters missing or invalid: -shape and -src are required"),
    ("torch::distributed_irecv -shape {3 3} -src 0 -unknown value", "Unknown parameter: -unknown"),
    ("torch::distributed_irecv {3 3}", "Wrong number of arguments for positional syntax. "
                                       "Expected: torch::distributed_irecv shape src ?tag?"),
    ("torch::distributed_isend invalid_tensor 1", "Invalid tensor handle: invalid_tensor"),
    ("torch::distributed_isend $t invalid_dst", "Invalid dst parameter. Must be an integer."),
    ("torch::distributed_isend $t 1 invalid_tag", "Invalid tag parameter. Must be an integer."),
    ("torch::distributed_isend -tensor $t",
     "Required parameters missing or invalid: -tensor and -dst are required"),
    ("torch::distributed_recv invalid_shape 0", "Invalid shape format"),
    ("torch::distributed_recv {2 3} invalid_src", "Invalid src parameter. Must be an integer."),
    ("torch::distributed_recv -shape {2 3}",
     "Required parameters missing or invalid: -shape and -src are required"),
    ("torch::distributed_reduce_scatter -op sum", "Required parameter missing: -tensor"),
    ("torch::distributed_reduce_scatter $t invalid",
     "Required parameter missing: -tensor, or invalid operation. Valid operations: sum, mean, "
     "max, min, product"),
    ("torch::distributed_reduce_scatter nonexistent_tensor sum", "Invalid tensor handle"),
    ("torch::distributed_scatter -src 0", "Required parameter missing: -tensor"),
    ("torch::distributed_scatter $t -1",
     "Required parameter missing: -tensor, or invalid src parameter"),
    ("torch::distributed_scatter nonexistent_tensor 0", "Invalid tensor handle"),
    ("torch::distributed_send -dst 1",
     "Required parameters missing or invalid: -tensor and -dst are required"),
    ("torch::distributed_send -tensor invalid_handle -dst 1",
     "Invalid tensor handle: invalid_handle"),
    ("torch::distributed_send -tensor $t -dst invalid", "Invalid -dst parameter. Must be an "
                                                        "integer."),
    ("torch::distributed_send -tensor $t -dst -1",
     "Required parameters missing or invalid: -tensor and -dst are required"),
    ("torch::distributed_send -tensor $t -dst 1 -unknown param", "Unknown parameter: -unknown"),
    ("torch::distributed_send $t", "Wrong number of arguments for positional syntax. Expected: "
                                   "torch::distributed_send tensor dst ?tag?"),
    ("torch::distributed_test", "Wrong number of arguments"),
    ("torch::distributed_test -invalid_param value", "Unknown parameter: -invalid_param"),
    ("torch::distributed_wait", "Wrong number of arguments"),
    ("torch::distributedWait -invalid_param value", "Unknown parameter: -invalid_param"),
    ("torch::distributed_wait no_such_handle", "Invalid handle"),
    ("torch::distributed_test $t", "Invalid handle: "),
])
def test_page_error_texts(alone, script, error):
    alone(f"set t {alone.interp.put(torch.ones(2))}")
    assert alone.error(script).message.startswith(error)


def test_launch_needs_a_script(capsys):
    from torchtcl_kernel.cli import main
    with pytest.raises(SystemExit) as info:
        main(["launch", "-n", "2"])
    assert info.value.code == 2
    assert "a FILE.tcl or -c SCRIPT is required" in capsys.readouterr().err
