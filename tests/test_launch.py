"""torch::launch: a Tcl script run by N local workers (torchrun) from inside an interpreter, in
this process and in a real kernel: each rank's lines streamed with its prefix, each rank's
telemetry recorded here under its name, a failing rank or a timeout ending the job with a clear
error, an interrupt stopping every worker, and no process left behind in any case."""

import os
import time

import psutil
import pytest
import test_kernel as tk_
from conftest import Session
from jupyter_client.manager import start_new_kernel

from torchtcl_kernel.core import telemetry

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("distributed")]

TRAIN = r"""
torch::distributed_init -timeout 60
set r [torch::get_rank]
torch::manual_seed 0
set model [torch::distributed_data_parallel [torch::linear 4 1]]
set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.1]
set sched [torch::lr_scheduler_step $opt 2 0.5]
set scaler [torch::grad_scaler_new -initScale 1024.0 -growthInterval 2]
set x [torch::distributed_shard [torch::arange 0 32 1 float32] -shuffle 0]
set x [torch::tensor_reshape $x {4 4}]
for {set i 1} {$i <= 4} {incr i} {
    torch::optimizer_zero_grad $opt
    set loss [torch::tensor_mean [torch::layer_forward $model $x]]
    torch::tensor_backward [torch::grad_scaler_scale $scaler $loss]
    torch::grad_scaler_step $scaler $opt
    torch::grad_scaler_update $scaler
    torch::lr_scheduler_step_update $sched
    torch::log_scalar loss [torch::tensor_item $loss]
}
puts "rank $r trained"
"""


def descendants():
    return psutil.Process().children(recursive=True)


@pytest.fixture
def session():
    s = Session()
    yield s
    # whatever a test did, its jobs are over: nothing of them runs on
    assert not descendants()


def test_each_rank_streams_its_lines_and_its_telemetry(session):
    assert session(f"torch::launch -nproc 2 {{{TRAIN}}}") == ""
    out = session.stdout.splitlines()
    assert sorted(out) == ["[rank0]: rank 0 trained", "[rank1]: rank 1 trained"]
    assert telemetry.LINE_MARK.strip() not in session.stdout
    by_rank = {}
    for rec in session.interp.telemetry.records:
        rank, source = rec.source.split(" ", 1)
        by_rank.setdefault(rank, []).append((rec.kind, source, rec.step, rec.key, rec.value))
    assert sorted(by_rank) == ["rank0", "rank1"]
    for rank, recs in by_rank.items():
        scalars = [r for r in recs if r[0] == "scalar"]
        assert [r[3] for r in scalars] == [f"{rank} loss"] * 4
        scales = [r[4] for r in recs if r[0] == "scale"]
        assert scales == [1024.0, 2048.0, 2048.0, 4096.0]     # grows every 2 clean steps
        lrs = [r[4] for r in recs if r[0] == "lr" and r[1] == "optimizer1"]
        assert lrs == [0.1, 0.1, 0.05, 0.05]
    # DDP: both ranks took the same steps, so they logged the same losses
    losses = {rank: [r[4] for r in recs if r[0] == "scalar"] for rank, recs in by_rank.items()}
    assert losses["rank0"] != losses["rank1"] or len(set(losses["rank0"])) > 1


def test_the_three_syntaxes(session):
    script = "torch::distributed_init; puts [torch::get_world_size]"
    session(f"torch::launch {{{script}}} 2")
    session(f"torch::launch -script {{{script}}} -nproc 2")
    session(f"torch::launch -nproc 2 {{{script}}}")
    assert session.stdout.count("]: 2\n") == 6


def test_a_failing_rank_fails_the_command_with_its_error(session):
    started = time.monotonic()
    error = session.error("torch::launch -nproc 2 {torch::distributed_init\n"
                          "if {[torch::get_rank] == 1} {error {rank one broke}}\n"
                          "torch::distributed_barrier; after 60000}")
    # rank 0 fails too, in its barrier, once rank 1 is gone: both are named, in the order seen
    assert "rank 1 failed: rank one broke" in error.message.split("; ")
    assert error.error_code.startswith("TORCH LAUNCH")
    assert time.monotonic() - started < 30       # not the 60 s rank 0 would wait
    assert session("set still 1") == "1"


def test_a_timeout_stops_the_job(session):
    started = time.monotonic()
    error = session.error("torch::launch -nproc 2 -timeout 1 {after 60000}")
    assert error.message == "the job did not end within 1 s: stopped"
    assert time.monotonic() - started < 20


@pytest.mark.parametrize("script, message", [
    ("torch::launch -nproc 0 {puts x}", "-nproc must be a positive number of processes, not 0"),
    ("torch::launch -nproc 2 {puts \"x}", "incomplete script"),
    ("torch::launch", "Required parameter missing: script"),
])
def test_bad_words(session, script, message):
    assert message in session.error(script).message


def test_an_interrupt_in_a_kernel_leaves_no_process_behind():
    km, kc = start_new_kernel(kernel_name="torchtcl")
    try:
        kernel = psutil.Process(km.provisioner.process.pid)
        msg_id = kc.execute("torch::launch -nproc 2 {torch::distributed_init; "
                            "puts \"up [torch::get_rank]\"; after 120000}")
        seen, deadline = set(), time.monotonic() + 60
        while len(seen) < 2 and time.monotonic() < deadline:
            msg = kc.get_iopub_msg(timeout=60)
            if msg["msg_type"] == "stream" and msg["parent_header"].get("msg_id") == msg_id:
                seen |= {line for line in msg["content"]["text"].splitlines() if " up " in line}
        assert seen == {"[rank0]: up 0", "[rank1]: up 1"}
        job = kernel.children(recursive=True)
        sessions = {os.getsid(p.pid) for p in job}
        assert len(job) >= 3                      # the agent and its two workers
        km.interrupt_kernel()
        reply = tk_.shell_reply(kc, msg_id, timeout=60)["content"]
        assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
        # Idle, as a frontend waits for: ipykernel ends the abort of queued cells that follows
        # an error after its reply, so a cell sent between the two is aborted (its race).
        tk_._collect(kc, msg_id)
        gone, alive = psutil.wait_procs(job, timeout=5)
        assert not alive
        left = [p for p in psutil.process_iter() if _sid(p) in sessions]
        assert not left
        reply = tk_.shell_reply(kc, kc.execute("set after 1"), timeout=30)["content"]
        assert reply["status"] == "ok"
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _sid(p):
    try:
        return os.getsid(p.pid)
    except OSError:
        return None
