"""Crash hunt: random calls of every command that stays in the process, with EDGE words mixed in
(calls.py), in one interpreter, in a child process: whatever the words, a call must end in a
result or a Tcl error. A crash (a signal, an abort inside PyTorch), an exception other than
TorchTclError out of eval, or a hang is a bug. Each call's script is written to a log before it
runs, so the last line names the call that crashed (or the one before it left the damage).

    python tests/crash_hunt.py SEED CALLS LOG     one run: prints each escaped exception, then
                                                  "DONE <results> <errors>"
    python tests/crash_hunt.py FIRST_SEED RUNS    (`make fuzz`) runs one child per seed and
                                                  reports crashes and hangs with their calls

test_no_crash.py runs a few seeds in `make test`; `make fuzz` runs many."""

import pathlib
import random
import subprocess
import sys
import tempfile
import warnings

HERE = pathlib.Path(__file__).resolve().parent
# Families that start processes or compile (seconds a call), and benchmark (seconds too)
SKIPPED_FAMILIES = {"distributed", "launch", "compile"}
RESEED = 200                 # calls between two runs of SETUP (calls free and change handles)
# Commands that work as long as a word asks them to, in Python, where Ctrl-C stops them: spectral
# norm's power iterations (2^63 - 1 of them, or as many in each later forward of a layer it
# reparametrised). The hunt gives them 5000 where it picked that edge word (seed 9918).
AS_LONG_AS_ASKED = {"spectral_norm"}
INT64_MAX = "9223372036854775807"


def hunt(seed, count, log_path):
    from calls import EDGE_SETUP, SETUP, call_words, edge_words

    from torchtcl_kernel import TorchTcl, TorchTclError
    from torchtcl_kernel.core.registry import REGISTRY

    warnings.simplefilter("ignore")            # PyTorch's broadcasting warnings and the like
    names = [name for name, cmd in sorted(REGISTRY.items())
             if cmd.family not in SKIPPED_FAMILIES and "benchmark" not in name]
    rng = random.Random(seed)
    pick, chance = (lambda seq: rng.choice(list(seq))), (lambda p: rng.random() < p)
    tcl = TorchTcl(stdout=lambda s: None, stderr=lambda s: None)
    results = errors = 0
    with open(log_path, "w") as log:
        for i in range(count):
            name = pick(names)
            words = edge_words(call_words(REGISTRY[name], pick, chance), pick, chance)
            if name in AS_LONG_AS_ASKED:
                words = ["5000" if w == INT64_MAX else w for w in words]
            script = " ".join([f"torch::{name}", *words])
            print(script, file=log, flush=True)
            if i % RESEED == 0:
                tcl.eval(SETUP + EDGE_SETUP)
            try:
                tcl.eval(script)
                results += 1
            except TorchTclError:
                errors += 1
            except Exception as e:               # noqa: BLE001 (what the hunt is for)
                print(f"ESCAPED {type(e).__name__}: {e} | {script}", flush=True)
    print(f"DONE {results} {errors}", flush=True)


def run_child(seed, count, directory, timeout):
    """One hunt in a child process, in `directory` (commands may write files there): (status,
    its lines other than DONE (each escaped exception), its DONE counts (results, errors) or None,
    the last call it began). status: the exit code, or "hang"."""
    log = pathlib.Path(directory) / f"calls-{seed}.log"
    try:
        done = subprocess.run([sys.executable, str(HERE / "crash_hunt.py"), str(seed), str(count),
                               str(log)], cwd=directory, capture_output=True, text=True,
                              timeout=timeout)
        status, lines = done.returncode, done.stdout.splitlines()
    except subprocess.TimeoutExpired:
        status, lines = "hang", []
    counts = None
    if lines and lines[-1].startswith("DONE "):
        counts = tuple(int(n) for n in lines.pop().split()[1:])
    calls = log.read_text().splitlines() if log.exists() else []
    return status, lines, counts, calls[-1] if calls else None


def campaign(first, runs, count=3000, timeout=300):
    bad = 0
    with tempfile.TemporaryDirectory() as directory:
        for seed in range(first, first + runs):
            status, escaped, _, last = run_child(seed, count, directory, timeout)
            ok = status == 0 and not escaped
            bad += not ok
            print(f"seed {seed}: " + ("ok" if ok else f"status {status}, last call: {last}"),
                  *escaped, sep="\n    ", flush=True)
    return bad


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    if len(sys.argv) == 4:
        hunt(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])
    else:
        sys.exit(1 if campaign(int(sys.argv[1]), int(sys.argv[2])) else 0)
