"""torch::launch: a Tcl script run by N local worker processes as one data-parallel job.

The job is `torchtcl launch` (torch.distributed.run's elastic agent, torchrun) in a process of its
own: the script's source text goes to it in a file, nothing is pickled. Each worker's output comes
back a line at a time, prefixed with its rank, and is written where this interpreter writes
(`puts`: a notebook cell, a terminal). Each worker's telemetry records come back as marked lines
(core/telemetry.py) and are recorded here under the rank's name ("rank1 scaler1"), so a dashboard
draws one curve per rank. However the command ends (the job done or failed, an interrupt, an
error here), it leaves no process behind: the agent is asked to stop its workers, and whatever
still runs after a grace period is killed.
"""

import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.telemetry import FORWARD_ENV, from_line
from ..core.types import FLOAT, INT, Script
from .common import non_negative, positive

launching = Family("launch")

RANK_LINE = re.compile(r"\[rank(\d+)\]: ?(.*)\Z", re.S)
GRACE = 10.0       # seconds the agent has to stop its workers before everything is killed


@launching.command(
    "launch", param("script", Script(), trailing=True),
    param("nproc", INT, 1, aliases=("nproc_per_node", "n"), check=positive,
          check_msg="-nproc must be a positive number of processes, not {value}"),
    param("timeout", FLOAT, 0.0, check=non_negative,
          check_msg="-timeout must be a number of seconds >= 0 (0: none), not {value}"),
    forms=["script ?nproc?"], returns="empty; a failed rank is an error naming it")
def launch(ctx, script, nproc, timeout):
    """Runs a Tcl script in nproc worker processes at once, started by torchrun, each joining
    the job with torch::distributed_init (gloo on CPU, NCCL on GPUs): `torch::launch -nproc 2
    {...}`. Each worker's lines are printed as they come, prefixed with [rankN]:, and its
    telemetry (loss scale, learning rates, logged scalars) is recorded here per rank, so the
    dashboard shows every rank's curves live. A rank that fails ends the job, and the command
    fails with that rank's Tcl error; -timeout (seconds, 0 for none) bounds the whole job. An
    interrupt stops every worker."""
    with tempfile.TemporaryDirectory(prefix="torchtcl_launch_") as tmp:
        path = os.path.join(tmp, "script.tcl")
        with open(path, "w", encoding="utf-8") as f:
            f.write(script)
        env = {**os.environ, FORWARD_ENV: "stdout", "PYTHONUNBUFFERED": "1"}
        job = subprocess.Popen(
            [sys.executable, "-m", "torchtcl_kernel", "launch", "-n", str(nproc), path],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
            start_new_session=True)      # its own group: a terminal's Ctrl-C is ours to relay
        relay = _Relay(ctx)
        try:
            relay.follow(job, timeout)
        finally:
            _shielded(lambda: _stop(job))
    if job.returncode:
        raise CommandError(relay.failure(job.returncode), "LAUNCH")
    return ""


class _Relay:
    """The job's output lines: shown as this interpreter shows output, telemetry recorded."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.first_error = {}       # rank -> the first line it wrote to stderr (its Tcl error)

    def follow(self, job, timeout):
        """Until the job has closed its output (ended), or raise on timeout."""
        deadline = time.monotonic() + timeout if timeout else None
        pending = {job.stdout.fileno(): (self.ctx.write_stdout, bytearray()),
                   job.stderr.fileno(): (self.ctx.write_stderr, bytearray())}
        for fd in pending:
            os.set_blocking(fd, False)
        while pending:
            if deadline is not None and time.monotonic() > deadline:
                raise CommandError(f"the job did not end within {timeout:g} s: stopped",
                                   "TIMEOUT")
            # a short wait: an interrupt is seen between two of them
            ready, _, _ = select.select(list(pending), [], [], 0.1)
            for fd in ready:
                write, buffer = pending[fd]
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    del pending[fd]
                    chunk = b"\n" if buffer else b""
                buffer += chunk
                *lines, rest = buffer.split(b"\n")
                buffer[:] = rest
                for line in lines:
                    self.line(line.decode("utf-8", "replace"), write)
        job.wait()

    def line(self, text, write):
        match = RANK_LINE.match(text)
        if match is None:
            write(text + "\n")          # torchrun's own (its report of a failed rank, say)
            return
        rank, said = int(match.group(1)), match.group(2)
        record = from_line(said)
        if record is None:
            if write is self.ctx.write_stderr:
                self.first_error.setdefault(rank, said)
            write(text + "\n")
            return
        name = f"rank{rank}"
        key = f"{name} {record.key}" if record.kind == "scalar" else record.key
        self.ctx.telemetry.record(record.kind, f"{name} {record.source}", record.step, key,
                                  record.value, record.skipped)

    def failure(self, status):
        """Each failed rank's first error line, in the order they came. A rank failing makes
        others fail too (a collective's peer is gone), and which one came first is not always
        the cause, so every one is named."""
        if not self.first_error:
            return f"the job failed (exit status {status})"
        return "; ".join(f"rank {rank} failed: {line}" for rank, line in self.first_error.items())


def _stop(job):
    """Ends the job and every process it started, whatever state it is in."""
    import psutil
    try:
        family = psutil.Process(job.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        family = []
    if job.poll() is None:
        job.send_signal(signal.SIGTERM)        # torchrun stops its workers, then itself
        try:
            job.wait(GRACE)
        except subprocess.TimeoutExpired:
            job.kill()
            job.wait()
    for p in family:                           # what it could not stop in time
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(family, timeout=GRACE)
    for stream in (job.stdout, job.stderr):
        stream.close()


def _shielded(cleanup):
    """Run cleanup to its end. A frontend asks an interrupted command to stop again and again
    (the kernel, every 50 ms) until it has returned: the stopping must not be cut short."""
    worker = threading.Thread(target=cleanup, name="torchtcl-launch-stop")
    worker.start()
    while worker.is_alive():
        try:
            worker.join()
        except KeyboardInterrupt:
            pass
