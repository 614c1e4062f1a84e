"""Devices, memory and performance commands against PyTorch: where tensors and layers live and
moving them (in place for layers and parameters), the CUDA queries answered truthfully on this
machine and, with a stand-in for torch.cuda, the answers a CUDA machine gives; the thread count,
denormal flushing, the profiler (its Chrome trace holds the operators that ran) and benchmark;
each command in its positional and named syntax and by its camelCase name, and the pages' errors.
"""

import json
import re
import subprocess
import sys
import time
import types

import pytest
import torch
from conftest import ROOT, rnd, run_cli

NO_CUDA = not torch.cuda.is_available()
needs_no_cuda = pytest.mark.skipif(not NO_CUDA, reason="checks the answers without CUDA")


def exact(got, want):
    """Moves and casts are exact: dtype, shape, device and every value equal (torch.equal; the
    conftest's assert_same compares floats with assert_close, whose first call alone takes
    seconds)."""
    assert (got.dtype, got.shape, got.device) == (want.dtype, want.shape, want.device)
    assert torch.equal(got, want)


def message(tcl, script):
    return tcl.error(script).message


# --- tensors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("script", ["torch::tensor_device $t", "torch::tensor_device -input $t",
                                    "torch::tensorDevice -input $t",
                                    "torch::tensor_device -tensor $t"])
@pytest.mark.parametrize("make", [lambda g: rnd(g, 2, 3), lambda g: rnd(g, 3, 2).t(),
                                  lambda g: torch.zeros(0, dtype=torch.int64)],
                         ids=["plain", "non-contiguous", "empty"])
def test_tensor_device(shared, script, make):
    t = make(torch.Generator().manual_seed(1))
    shared.load({"t": t})
    assert shared(script) == str(t.device) == "cpu"


@pytest.mark.parametrize("script", ["torch::tensor_is_cuda $t", "torch::tensor_is_cuda -tensor $t",
                                    "torch::tensorIsCuda -input $t"])
def test_tensor_is_cuda(shared, script):
    t = rnd(2, 4)
    shared.load({"t": t})
    assert shared(script) == str(int(t.is_cuda)) == "0"


@pytest.mark.parametrize("script", ["torch::tensor_to $t cpu float64",
                                    "torch::tensor_to -input $t -device cpu -dtype float64",
                                    "torch::tensorTo -tensor $t -dtype double -device cpu"])
def test_tensor_to(shared, script):
    t = rnd(3, 2, 3).t().requires_grad_()
    shared.load({"t": t})
    got = shared.interp.tensor(shared(script))
    exact(got, t.to("cpu", torch.float64))
    assert got.grad_fn is not None


@pytest.mark.parametrize("script, text", [
    ("torch::tensor_device", "Input tensor is required"),
    ("torch::tensor_device nosuch", "Invalid tensor name"),
    ("torch::tensor_device $t extra", "Invalid number of arguments"),
    ("torch::tensor_device -input $t -unknown_param value", "Unknown parameter: -unknown_param"),
    ("torch::tensor_is_cuda", "Required tensor parameter missing"),
    ("torch::tensor_is_cuda invalid_tensor", "Invalid tensor name"),
    ("torch::tensor_is_cuda -unknown $t", "Unknown parameter: -unknown"),
])
def test_tensor_errors(shared, script, text):
    shared.load({"t": torch.ones(2)})
    assert message(shared, script) == text


# --- layers and parameters ----------------------------------------------------------------------
@pytest.fixture
def layer(shared):
    torch.manual_seed(0)
    module = torch.nn.Linear(3, 2)
    shared(f"set l {shared.interp.put(module)}")
    return module


@pytest.mark.parametrize("script", ["torch::layer_to $l cpu float64",
                                    "torch::layer_to -layer $l -device cpu -dtype float64",
                                    "torch::layerTo -dtype double -device cpu -input $l"])
def test_layer_to_moves_in_place_and_keeps_the_handle(shared, layer, script):
    weight = layer.weight.detach().clone()
    assert shared(script) == shared("set l")
    assert layer.weight.dtype == torch.float64 and layer.bias.dtype == torch.float64
    exact(layer.weight.detach(), weight.to(torch.float64))
    x = rnd(2, 4, 3, dtype=torch.float64)
    shared.load({"x": x})
    exact(shared.interp.tensor(shared("torch::layer_forward $l $x")), layer(x))


@pytest.mark.parametrize("script", ["torch::layer_to $l cpu",
                                    "torch::layer_to -layer $l -device cpu"])
def test_layer_to_device_only(shared, layer, script):
    assert shared(script) == shared("set l")
    assert layer.weight.dtype == torch.float32 and layer.weight.device.type == "cpu"


@pytest.mark.parametrize("script", ["torch::layer_cpu $l", "torch::layer_cpu -layer $l",
                                    "torch::layerCpu -input $l"])
def test_layer_cpu(shared, layer, script):
    assert shared(script) == shared("set l")
    assert all(p.device.type == "cpu" for p in layer.parameters())


@pytest.mark.parametrize("script", ["torch::layer_device $l", "torch::layer_device -layer $l",
                                    "torch::layerDevice -input $l"])
def test_layer_device(shared, layer, script):
    assert shared(script) == str(layer.weight.device) == "cpu"


@pytest.mark.parametrize("module", [torch.nn.ReLU(), torch.nn.BatchNorm1d(2, affine=False)],
                         ids=["no tensors", "buffers only"])
def test_layer_device_without_parameters(shared, module):
    shared(f"set m {shared.interp.put(module)}")
    assert shared("torch::layer_device $m") == "cpu"


@needs_no_cuda
@pytest.mark.parametrize("script", ["torch::layer_cuda $l", "torch::layer_cuda -layer $l",
                                    "torch::layerCuda -input $l"])
def test_layer_cuda_without_cuda(shared, layer, script):
    assert message(shared, script) == "CUDA is not available"
    assert layer.weight.device.type == "cpu"


@pytest.mark.parametrize("script, text", [
    ("torch::layer_cpu nonexistent_layer", "Invalid layer name"),
    ("torch::layer_cuda nonexistent_layer", "Invalid layer name"),
    ("torch::layer_device bad_layer", "Invalid layer name"),
    ("torch::layer_cpu -layer {}", "Required parameter missing: layer"),
    ("torch::layer_device -layer {}", "Required parameter missing: layer"),
    ("torch::layer_cpu -unknown_param value", "Unknown parameter: -unknown_param"),
    ("torch::layer_cpu $l $l", "Usage: torch::layer_cpu layer"),
    ("torch::layer_to -layer $l", "Required parameters missing: -layer and -device"),
    ("torch::layer_to -layer nonexistent -device cpu", "Invalid layer name"),
    ("torch::layer_to -layer $l -device invalid_device", "Invalid device: invalid_device"),
    ("torch::layer_to -unknown_param $l -device cpu", "Unknown parameter: -unknown_param"),
    ("torch::layer_to $l cpu float64 x", "Usage: torch::layer_to layer device ?dtype?"),
])
def test_layer_errors(shared, layer, script, text):
    assert message(shared, script) == text


@pytest.mark.parametrize("script", [
    "torch::parameters_to $params cpu float64",
    "torch::parameters_to -parameters $params -device cpu -dtype float64",
    "torch::parametersTo -params $params -dtype float64",
    "torch::parameters_to [list $l] cpu float64",          # a module stands for its parameters
])
def test_parameters_to_moves_the_tensors_in_place(shared, layer, script):
    layer(torch.ones(1, 3)).sum().backward()
    weight, grad = layer.weight.detach().clone(), layer.weight.grad.clone()
    shared("set params [torch::layer_parameters $l]")
    handles = shared("set params").split()
    assert shared(script) == "ok"
    # the handles, the module and the gradients all see the moved tensors
    assert shared.interp.tensor(handles[0]) is layer.weight
    exact(layer.weight.detach(), weight.to(torch.float64))
    exact(layer.weight.grad, grad.to(torch.float64))
    assert layer.bias.dtype == torch.float64 and layer.weight.requires_grad


def test_parameters_to_takes_any_tensor(shared):
    leaf = torch.ones(2, requires_grad=True)
    computed = leaf * 2                          # not a leaf: it has no .grad to move
    shared.load({"a": leaf, "b": computed})
    assert shared("torch::parameters_to [list $a $b] cpu float64") == "ok"
    assert leaf.dtype == computed.dtype == torch.float64
    assert shared("torch::tensor_dtype $b") == "Float64"


def test_parameters_to_defaults_to_the_cpu(shared, layer):
    shared("set params [torch::layer_parameters $l]")
    assert shared("torch::parameters_to $params") == "ok"
    assert shared("torch::parameters_to -parameters $params") == "ok"
    assert layer.weight.device.type == "cpu" and layer.weight.dtype == torch.float32


@pytest.mark.parametrize("script, text", [
    ("torch::parameters_to {}", "Required parameters missing or invalid (parameters required, "
                                "device must be 'cpu' or 'cuda')"),
    ("torch::parameters_to -device cpu", "Required parameters missing or invalid (parameters "
                                         "required, device must be 'cpu' or 'cuda')"),
    ("torch::parameters_to {nosuch}", "Invalid parameter tensor: nosuch"),
    ("torch::parameters_to -parameters", "Named parameters must come in pairs"),
    ("torch::parameters_to -foo 1", "Unknown parameter: -foo"),
    ("torch::parameters_to $params tpu", "Invalid device: tpu"),
])
def test_parameters_to_errors(shared, layer, script, text):
    shared("set params [torch::layer_parameters $l]")
    assert message(shared, script) == text


# --- CUDA, as this machine has it -----------------------------------------------------------------
@pytest.mark.parametrize("script, want", [
    ("torch::cuda_is_available", lambda: str(int(torch.cuda.is_available()))),
    ("torch::cudaIsAvailable", lambda: str(int(torch.cuda.is_available()))),
    ("torch::cuda_device_count", lambda: str(torch.cuda.device_count())),
    ("torch::cudaDeviceCount", lambda: str(torch.cuda.device_count())),
])
def test_cuda_queries_are_truthful(shared, script, want):
    assert shared(script) == want()


@needs_no_cuda
@pytest.mark.parametrize("script", [
    "torch::cuda_device_info", "torch::cuda_device_info 0", "torch::cudaDeviceInfo -device_id 1",
    "torch::cuda_memory_info", "torch::cuda_memory_info 0", "torch::cudaMemoryInfo -deviceId 0",
])
def test_cuda_device_queries_without_cuda(shared, script):
    assert message(shared, script) == "CUDA not available"


@needs_no_cuda
@pytest.mark.parametrize("script, want", [
    ("torch::synchronize", "cuda_not_available"),
    ("torch::synchronize cuda:0", "cuda_not_available"),
    ("torch::synchronize -device cpu", "cuda_not_available"),
    ("torch::empty_cache", "cuda_not_available"),
    ("torch::empty_cache cuda", "cuda_not_available"),
    ("torch::emptyCache -device cuda:0", "cuda_not_available"),
    ("torch::memory_stats", "cuda_available: false"),
    ("torch::memoryStats cuda:0", "cuda_available: false"),
    ("torch::memory_stats -device cpu", "cuda_available: false"),
    ("torch::memory_summary", "CUDA not available"),
    ("torch::memorySummary cuda:0", "CUDA not available"),
])
def test_status_commands_without_cuda(shared, script, want):
    assert shared(script) == want


@needs_no_cuda
@pytest.mark.parametrize("script", ["torch::memory_snapshot", "torch::memorySnapshot"])
def test_memory_snapshot_without_cuda(shared, script):
    before = int(time.time())
    m = re.fullmatch(r"timestamp: (\d+) cuda_available: false", shared(script))
    assert m and before <= int(m.group(1)) <= time.time()


@pytest.mark.parametrize("script, text", [
    ("torch::cuda_device_info -1", "Invalid device_id: must be non-negative"),
    ("torch::cuda_memory_info -device_id -2", "Invalid device_id: must be non-negative"),
    ("torch::cuda_device_info x", "Invalid device_id value. Expected integer."),
    ("torch::cuda_device_info 0 1", "Wrong number of arguments for positional syntax. Expected: "
                                    "torch::cuda_device_info [device_id]"),
    ("torch::cuda_memory_info -foo 1", "Unknown parameter: -foo"),
    ("torch::cuda_is_available extra", "Wrong number of arguments for positional syntax. "
                                       "Expected: torch::cuda_is_available"),
    ("torch::cuda_device_count extra_arg", "Wrong number of arguments for positional syntax. "
                                           "Expected: torch::cuda_device_count"),
    ("torch::cuda_device_count -x 1", "Unknown parameter: -x (this command takes no parameters)"),
    ("torch::synchronize cpu extra", "Invalid number of arguments"),
    ("torch::synchronize -unknown foo", "Unknown parameter: -unknown"),
    ("torch::synchronize tpu", "Invalid device: tpu"),
    ("torch::empty_cache -device invalid", "Invalid device: invalid"),
    ("torch::empty_cache cpu cuda", "Invalid number of arguments"),
    ("torch::memory_stats cpu cpu", "wrong # args: should be torch::memory_stats ?device?"),
    ("torch::memorySummary cpu cpu", "wrong # args: should be torch::memorySummary ?device?"),
    ("torch::memory_snapshot x", "wrong # args: should be torch::memory_snapshot"),
    ("torch::memory_snapshot -x 1", "wrong # args: should be torch::memory_snapshot"),
])
def test_cuda_and_memory_errors(shared, script, text):
    assert message(shared, script) == text


# --- CUDA, as a machine with two GPUs answers (a stand-in for torch.cuda) -----------------------
class FakeCuda:
    """What the commands ask torch.cuda, answered as for two GPUs; the calls are recorded."""

    def __init__(self):
        self.calls = []
        self.current = 0

    def install(self, monkeypatch):
        answers = {
            "is_available": lambda: True,
            "device_count": lambda: 2,
            "current_device": lambda: self.current,
            "get_device_properties": lambda d: types.SimpleNamespace(
                name=f"Fake GPU {torch.device(d).index}", major=8, minor=6),
            "mem_get_info": lambda d: (3 << 30, 8 << 30),
            "memory_stats": lambda d: {"allocated_bytes.all.current": 512,
                                       "num_alloc_retries": 0},
            "memory_summary": lambda d: f"table of {d}",
            "memory_allocated": lambda: 1024,
            "memory_reserved": lambda: 2048,
        }
        for name, answer in answers.items():
            monkeypatch.setattr(torch.cuda, name, self._record(name, answer))
        monkeypatch.setattr(torch.cuda, "synchronize",
                            self._record("synchronize", lambda d=None: None))
        monkeypatch.setattr(torch.cuda, "empty_cache",
                            lambda: self.calls.append(("empty_cache", f"on cuda:{self.current}")))
        monkeypatch.setattr(torch.cuda, "device", self._device)

    def _record(self, name, answer):
        def call(*args):
            self.calls.append((name, *(str(a) for a in args)))
            return answer(*args)
        return call

    def _device(self, d):
        fake = self

        class Device:
            def __enter__(self):
                fake.previous, fake.current = fake.current, torch.device(d).index or 0
                fake.calls.append(("device", str(d)))

            def __exit__(self, *exc):
                fake.current = fake.previous
        return Device()


@pytest.fixture
def cuda(monkeypatch):
    fake = FakeCuda()
    fake.install(monkeypatch)
    return fake


@pytest.mark.parametrize("script, want", [
    ("torch::cuda_device_info", "Device 0: Fake GPU 0 (Compute 8.6)"),
    ("torch::cuda_device_info 1", "Device 1: Fake GPU 1 (Compute 8.6)"),
    ("torch::cudaDeviceInfo -device_id 1", "Device 1: Fake GPU 1 (Compute 8.6)"),
    ("torch::cuda_memory_info 1", "Device 1 Memory: Used=5120MB Free=3072MB Total=8192MB"),
    ("torch::cudaMemoryInfo -device_id 0", "Device 0 Memory: Used=5120MB Free=3072MB "
                                           "Total=8192MB"),
    ("torch::cuda_is_available", "1"),
    ("torch::cuda_device_count", "2"),
    ("torch::synchronize", "synchronized"),
    ("torch::synchronize -device cuda:1", "synchronized"),
    ("torch::empty_cache cuda:1", "cache_cleared"),
    ("torch::memory_stats", "cuda_available: true device_count: 2 "
                            "allocated_bytes.all.current: 512 num_alloc_retries: 0"),
    ("torch::memory_stats cpu", "cuda_available: true device_count: 2"),
    ("torch::memory_summary cuda:1", "CUDA Memory Summary:\nDevice Count: 2\ntable of cuda:1"),
])
def test_cuda_answers_with_cuda(shared, cuda, script, want):
    assert shared(script) == want


def test_cuda_commands_use_the_device_named(shared, cuda):
    shared("torch::cuda_memory_info 1")
    assert ("synchronize", "cuda:1") in cuda.calls and ("mem_get_info", "cuda:1") in cuda.calls
    cuda.calls.clear()
    shared("torch::synchronize cuda:1")
    assert [c for c in cuda.calls if c[0] == "synchronize"] == [("synchronize", "cuda:1")]
    cuda.calls.clear()
    assert shared("torch::emptyCache -device cuda:1") == "cache_cleared"
    assert ("empty_cache", "on cuda:1") in cuda.calls
    assert re.fullmatch(r"timestamp: \d+ cuda_available: true device_count: 2 "
                        r"allocated_bytes: 1024 reserved_bytes: 2048",
                        shared("torch::memory_snapshot"))


@pytest.mark.parametrize("script, text", [
    ("torch::cuda_device_info 999", "Invalid device ID"),
    ("torch::cuda_memory_info 2", "Invalid device ID"),
    ("torch::synchronize cuda:2", "Invalid device: cuda:2 (no such CUDA device)"),
    ("torch::empty_cache -device cuda:7", "Invalid device: cuda:7 (no such CUDA device)"),
])
def test_cuda_errors_with_cuda(shared, cuda, script, text):
    assert message(shared, script) == text


# --- CPU settings -------------------------------------------------------------------------------
@pytest.fixture
def threads():
    saved = torch.get_num_threads()
    yield saved
    torch.set_num_threads(saved)


@pytest.mark.parametrize("script", ["torch::set_num_threads 1",
                                    "torch::set_num_threads -numThreads 1",
                                    "torch::setNumThreads -num_threads 1"])
def test_set_and_get_num_threads(shared, threads, script):
    torch.set_num_threads(2)
    assert shared(script) == "threads_set"
    assert torch.get_num_threads() == 1
    assert shared("torch::get_num_threads") == shared("torch::getNumThreads") == "1"
    torch.set_num_threads(2)
    assert shared("torch::get_num_threads") == str(torch.get_num_threads()) == "2"


@pytest.mark.parametrize("script, text", [
    ("torch::set_num_threads", "Error in set_num_threads: Usage: torch::set_num_threads "
                               "num_threads | torch::set_num_threads -numThreads value"),
    ("torch::set_num_threads 0", "Error in set_num_threads: Number of threads must be positive"),
    ("torch::set_num_threads -numThreads -3",
     "Error in set_num_threads: Number of threads must be positive"),
    ("torch::set_num_threads x", "Error in set_num_threads: Invalid num_threads value (must be a "
                                 "positive integer)"),
    ("torch::set_num_threads 2 3", "Error in set_num_threads: Usage: torch::set_num_threads "
                                   "num_threads"),
    ("torch::set_num_threads -numThreads", "Error in set_num_threads: Named parameters must come "
                                           "in pairs"),
    ("torch::set_num_threads -foo 2", "Error in set_num_threads: Unknown parameter: -foo"),
    ("torch::get_num_threads 4", 'wrong # args: should be "torch::get_num_threads"'),
])
def test_thread_errors(shared, threads, script, text):
    assert message(shared, script) == text
    assert torch.get_num_threads() == threads


def test_a_thread_count_the_system_cannot_give_is_an_error_not_a_crash():
    """PyTorch accepts any count and stops the process at the next parallel operation when the
    system refuses a thread; the command refuses such counts first. (A child process: were the
    guard gone, the crash would end it, not the test session.)"""
    script = """
        set before [torch::get_num_threads]
        catch {torch::set_num_threads 100000} message
        puts $message
        puts [expr {[torch::get_num_threads] == $before}]
        puts [torch::tensor_to_list [torch::triu [torch::ones {2 2}]]]
        puts [torch::set_num_threads [expr {max(1024, 4 * [torch::get_num_threads])}]]
    """
    done = run_cli(stdin=script)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-4:] == [
        "Error in set_num_threads: Number of threads must be at most 1024: PyTorch's thread pool "
        "ends the process when the system refuses it a thread",
        "1", "{1.0 1.0} {0.0 1.0}", "threads_set"]


TINY = 1e-310          # a float64 denormal


@pytest.mark.parametrize("on, off", [
    ("torch::set_flush_denormal 1", "torch::set_flush_denormal 0"),
    ("torch::set_flush_denormal -enabled 1", "torch::set_flush_denormal -enabled 0"),
    ("torch::setFlushDenormal -enabled true", "torch::setFlushDenormal -enabled false"),
])
def test_set_flush_denormal(shared, on, off):
    supported = torch.set_flush_denormal(False)
    try:
        assert torch.tensor([TINY], dtype=torch.float64).item() == TINY
        assert shared(on) == ("denormal_flushing_enabled" if supported
                              else "denormal_flushing_disabled")
        flushed = torch.tensor([TINY], dtype=torch.float64).item()
        assert flushed == (0.0 if supported else TINY)
        assert shared(off) == "denormal_flushing_disabled"
        assert torch.tensor([TINY], dtype=torch.float64).item() == TINY
    finally:
        torch.set_flush_denormal(False)


@pytest.mark.parametrize("script, text", [
    ("torch::set_flush_denormal", 'Error in set_flush_denormal: wrong # args: should be '
     '"torch::set_flush_denormal enabled" or "torch::set_flush_denormal -enabled value"'),
    ("torch::set_flush_denormal x", "Error in set_flush_denormal: expected integer for enabled "
                                    "parameter"),
    ("torch::set_flush_denormal -enabled x", "Error in set_flush_denormal: expected integer for "
                                             "-enabled parameter"),
    ("torch::set_flush_denormal -on 1", "Error in set_flush_denormal: unknown option: -on"),
])
def test_set_flush_denormal_errors(shared, script, text):
    assert message(shared, script) == text


# --- profiler -----------------------------------------------------------------------------------
@pytest.mark.parametrize("start", ["torch::profiler_start", "torch::profilerStart {}",
                                   "torch::profiler_start -config record_shapes=1,with_flops=1"])
def test_profiler_records_a_chrome_trace(shared, tmp_path, start):
    trace = tmp_path / "trace.json"
    shared.load({"a": rnd(1, 4, 4), "b": rnd(2, 4, 4)})
    assert shared(start) == "profiler_started"
    shared("torch::tensor_matmul $a $b")
    assert shared(f"torch::profiler_stop -trace {trace}") == "profiler_stopped"
    events = json.loads(trace.read_text())["traceEvents"]
    assert any(e.get("name") == "aten::mm" for e in events)


def test_profiler_summary_table(shared, tmp_path):
    shared.load({"a": rnd(1, 3, 3)})
    shared("torch::profiler_start verbose=1")
    shared("torch::tensor_matmul $a $a")
    table = shared("torch::profilerStop")
    assert "Self CPU" in table and "aten::mm" in table
    shared("torch::profiler_start")
    shared("torch::tensor_add $a $a")
    assert "aten::add" in shared(f"torch::profiler_stop {tmp_path / 't.json'} 1")
    assert (tmp_path / "t.json").is_file()
    shared("torch::profiler_start verbose=1")
    assert shared("torch::profiler_stop -summary 0") == "profiler_stopped"


def test_profiler_belongs_to_its_interpreter(shared, tcl):
    shared("torch::profiler_start")
    try:
        assert message(tcl, "torch::profiler_stop") == \
            "The profiler is not running: start it with torch::profiler_start"
        assert message(shared, "torch::profiler_start") == \
            "The profiler is already running: stop it with torch::profiler_stop"
    finally:
        assert shared("torch::profiler_stop") == "profiler_stopped"
    assert message(shared, "torch::profiler_stop") == \
        "The profiler is not running: start it with torch::profiler_start"


def test_one_profiler_runs_in_a_process(shared, tcl, tmp_path):
    """PyTorch's profiler is the process's: a second started over it (in another interpreter, or
    from Python) would cut the first short, and exporting a trace after that crashes."""
    shared("torch::profiler_start")
    try:
        assert message(tcl, "torch::profiler_start") == (
            "A profiler is already running in this process (another interpreter's, or "
            "torch.profiler in Python): stop it first")
        assert message(tcl, "torch::profiler_stop") == \
            "The profiler is not running: start it with torch::profiler_start"
        shared("torch::tensor_add [torch::ones {2}] [torch::ones {2}]")   # still recorded
    finally:
        assert shared(f"torch::profiler_stop -trace {tmp_path / 'a.json'}") == "profiler_stopped"
    assert "aten::add" in (tmp_path / "a.json").read_text()
    with torch.profiler.profile():
        assert "already running in this process" in message(tcl, "torch::profiler_start")
    assert tcl("torch::profiler_start") == "profiler_started"
    assert tcl(f"torch::profiler_stop -trace {tmp_path / 'b.json'}") == "profiler_stopped"


def test_closing_the_interpreter_stops_its_profiler(tcl):
    tcl("torch::profiler_start")
    assert torch.autograd._profiler_enabled()
    tcl.interp.close()
    assert not torch.autograd._profiler_enabled()


def test_a_profiler_left_running_does_not_crash_the_process_at_exit():
    """torch 2.13 ends a process that exits with a profiler running with SIGSEGV (output not
    yet flushed is lost); the process here runs Python's exit, not the CLI's os._exit."""
    child = ("from torchtcl_kernel import TorchTcl\n"
             "tcl = TorchTcl()\n"
             "print(tcl.eval('torch::profiler_start; torch::tensor_sum [torch::ones {3}]'))\n"
             "raise SystemExit(3)\n")
    done = subprocess.run([sys.executable, "-c", child], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert (done.returncode, done.stdout) == (3, "tensor2\n"), done.stderr


@pytest.mark.parametrize("script, text", [
    ("torch::profiler_start foo=1", "Unknown profiler option: foo (valid: record_shapes, "
     "profile_memory, with_stack, with_flops, with_modules, verbose)"),
    ("torch::profiler_start with_stack", "Invalid profiler option: with_stack (expected "
                                         "with_stack=0 or with_stack=1)"),
    ("torch::profiler_start with_stack=maybe", 'expected boolean value but got "maybe"'),
    ("torch::profiler_start a b", 'wrong # args: should be "torch::profiler_start ?config?"'),
    ("torch::profiler_stop a 1 x", 'wrong # args: should be "torch::profiler_stop"'),
])
def test_profiler_errors(shared, script, text):
    assert message(shared, script) == text
    assert getattr(shared.interp, "device_profiler", None) is None


# --- benchmark ----------------------------------------------------------------------------------
@pytest.mark.parametrize("script, op, shapes, iterations", [
    ("torch::benchmark matmul 3 4x3", "mm", [(4, 3), (3, 4)], 3),
    ("torch::benchmark mm 2 5x5 float64 cpu 0", "mm", [(5, 5), (5, 5)], 2),
    ("torch::benchmark -operation add -size 7 -iterations 4", "add", [(7,), (7,)], 4),
    ("torch::benchmark -op add -iter 2 -size 2x3x4 -dtype int64", "add",
     [(2, 3, 4), (2, 3, 4)], 2),
    ("torch::benchmark -op conv2d -size 1x2x6x6", "conv2d", [(1, 2, 6, 6), (32, 2, 3, 3)], 1),
])
def test_benchmark_times_the_operation(shared, monkeypatch, script, op, shapes, iterations):
    calls = []
    module = torch.nn.functional if op == "conv2d" else torch
    real = getattr(module, op)

    def counted(a, b):
        calls.append([tuple(a.shape), tuple(b.shape), a.dtype])
        return real(a, b)
    monkeypatch.setattr(module, op, counted)
    elapsed = shared(script)
    assert re.fullmatch(r"\d+", elapsed)
    assert len(calls) >= iterations + 1          # a warm-up, then the timed runs
    assert all(c[:2] == shapes for c in calls)
    want = torch.float64 if "float64" in script else \
        torch.int64 if "int64" in script else torch.float32
    assert all(c[2] == want for c in calls)


def test_benchmark_verbose(shared):
    got = shared("torch::benchmark -op matmul -iter 2 -size 8x8 -verbose 1")
    assert re.fullmatch(r"Operation: matmul, Iterations: 2, Size: 8x8, Time: \d+ microseconds",
                        got)


def test_benchmark_uses_the_thread_count(shared, threads, monkeypatch):
    from torch.utils import benchmark
    seen = []
    real = benchmark.Timer

    def timer(*args, **kw):
        seen.append(kw["num_threads"])
        return real(*args, **kw)
    monkeypatch.setattr(benchmark, "Timer", timer)
    shared("torch::set_num_threads 1; torch::benchmark add 1 4")
    shared("torch::set_num_threads 2; torch::benchmark add 1 4")
    assert seen == [1, 2]


@pytest.mark.parametrize("script, text", [
    ("torch::benchmark -iterations 2", "Missing required parameter: -operation"),
    ("torch::benchmark xyz", "Unknown operation: xyz (supported: matmul, add, conv2d)"),
    ("torch::benchmark -op xyz", "Unknown operation: xyz (supported: matmul, add, conv2d)"),
    ("torch::benchmark add 0", "Invalid iterations: must be positive integer"),
    ("torch::benchmark -op add -iter x", "Invalid iterations: must be positive integer"),
    ("torch::benchmark -op add -foo 1", "Unknown parameter: -foo"),
    ("torch::benchmark -op conv2d -size 8x8", "conv2d requires 4D tensor size: NxCxHxW"),
    ("torch::benchmark -op mm -size 8", "matmul requires 2D tensor size: NxM"),
    ("torch::benchmark -op add -size 8xa", 'Invalid size: "8xa" (expected N, NxM, NxMxP, ...)'),
    ("torch::benchmark -op add -size 0x2", 'Invalid size: "0x2" (sizes must be positive)'),
    ("torch::benchmark -op add -verbose", "Named parameters require pairs: -param value"),
])
def test_benchmark_errors(shared, script, text):
    assert message(shared, script) == text


def test_a_trace_that_cannot_be_written_keeps_the_profiler_running(tcl, tmp_path):
    """The error comes before the profiler stops: nothing recorded is lost, and a second stop
    with a good path writes the trace, atomically (no temporary file left beside it)."""
    tcl("torch::profiler_start; torch::tensor_add [torch::ones {3}] [torch::ones {3}]")
    bad = tmp_path / "missing" / "trace.json"
    assert tcl.error(f"torch::profiler_stop -trace {bad}").message == \
        f"Cannot write the trace {bad}: No such file or directory"
    good = tmp_path / "trace.json"
    assert tcl(f"torch::profiler_stop -trace {good}") == "profiler_stopped"
    assert "aten::add" in good.read_text()
    assert [p.name for p in tmp_path.iterdir()] == ["trace.json"]
