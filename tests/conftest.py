import contextlib
import os
import pathlib
import subprocess
import sys

import pytest
import torch

from torchtcl_kernel import TorchTcl, TorchTclError

ROOT = pathlib.Path(__file__).resolve().parents[1]

# Kernels the tests start keep their cell history in memory, not in the user's history file
# (tests/test_kernel_features.py sets its own file where it tests the history).
os.environ.setdefault("TORCHTCL_KERNEL_HISTORY", "")
SPEC = ROOT.parent / "shared" / "spec" / "commands"


class Session:
    """A real TorchTcl interpreter with what scripts print captured."""

    def __init__(self):
        self.out = []
        self.err = []
        self.interp = TorchTcl(stdout=self.out.append, stderr=self.err.append)

    def __call__(self, script):
        return self.interp.eval(script)

    def error(self, script):
        """Run a script that must fail; return the TorchTclError."""
        with pytest.raises(TorchTclError) as info:
            self.interp.eval(script)
        return info.value

    def dict(self, script):
        """The script's result, a Tcl dict, as a Python dict of strings."""
        words = self.interp.tk.splitlist(self(script))
        return dict(zip(words[::2], words[1::2], strict=True))

    @property
    def stdout(self):
        return "".join(self.out)

    def load(self, inputs):
        """Store each tensor of {name: tensor} and set the Tcl variable `name` to its handle."""
        for name, t in inputs.items():
            self(f"set {name} {self.interp.put(t)}")


def _failing_backend(gm, example_inputs):
    raise RuntimeError("this backend cannot compile anything")


def failing_backend():
    """Registers torchtcl_test_failing (once per process), a torch.compile backend that fails
    the way a broken toolchain does (torch.compile wraps the failure in BackendCompilerFailed at
    the first call): the fallback paths, for real."""
    import torch._dynamo
    if "torchtcl_test_failing" not in torch._dynamo.list_backends(exclude_tags=()):
        torch._dynamo.register_backend(_failing_backend, name="torchtcl_test_failing")


def assert_same(got, want, tol=1e-6, equal_nan=False):
    """A command's tensor against torch's: dtype, shape and device equal; floating values close
    (within tol), others equal."""
    assert got.dtype == want.dtype and got.shape == want.shape and got.device == want.device
    if got.is_floating_point() or got.is_complex():
        torch.testing.assert_close(got, want, rtol=tol, atol=tol, equal_nan=equal_nan)
    else:
        assert torch.equal(got, want)


@pytest.fixture(autouse=True)
def _malformed_input_cwd(request, monkeypatch):
    """test_malformed_input passes bad words such as `nan` or `-1e309` as file names (e.g. to
    lr_explore -save); a word that is accepted writes that file: keep it out of the repository."""
    if request.module.__name__.rsplit(".", 1)[-1] == "test_malformed_input":
        monkeypatch.chdir(request.getfixturevalue("tmp_path"))


def rnd(source, *shape, dtype=torch.float32):
    """Seeded normal values: source is a seed or a torch.Generator."""
    g = source if isinstance(source, torch.Generator) else torch.Generator().manual_seed(source)
    return torch.randn(*shape, generator=g, dtype=dtype)


def check_case(tcl, case, same=assert_same):
    """One row of a table-driven test, (id, make, scripts, expected, differentiable): make(seeded
    generator) gives {name: tensor}, set as Tcl variables; every script must give expected(**those
    tensors)."""
    _, make, scripts, expected, _ = case
    inputs = make(torch.Generator().manual_seed(7))
    tcl.load(inputs)
    want = expected(**inputs)
    for script in scripts:
        same(tcl.interp.tensor(tcl(script)), want)


@pytest.fixture
def tcl():
    return Session()


@pytest.fixture(scope="module")
def shared():
    """One interpreter for a test file (creating one per case is most of a table-driven test's
    time); each case sets every variable it reads."""
    return Session()


def run_cli(*args, stdin=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "torchtcl_kernel.cli", *args], input=stdin,
                          capture_output=True, text=True, timeout=timeout, cwd=ROOT)


@contextlib.contextmanager
def cli_prompt(*args, env=(), codec_errors="strict"):
    """The CLI on a terminal (pexpect), at its first prompt unless `args` run a file; closed
    after (child.exitstatus is then set). `env`: more environment variables."""
    import pexpect
    # (TORCHTCL_HISTORY empty unless a test sets it: no history file of the user's is written)
    child = pexpect.spawn(sys.executable, ["-m", "torchtcl_kernel.cli", *args], cwd=str(ROOT),
                          encoding="utf-8", codec_errors=codec_errors, timeout=60,
                          env={"TORCHTCL_HISTORY": "", **os.environ, **dict(env)})
    try:
        if not args:
            child.expect_exact("% ")
        yield child
    finally:
        child.close(force=True)


@contextlib.contextmanager
def python_calls(func):
    """Counts the calls of func's Python code (observed with sys.setprofile, nothing replaced)."""
    calls = []
    code = func.__code__

    def profile(frame, event, arg):
        if event == "call" and frame.f_code is code:
            calls.append(1)
    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(None)
