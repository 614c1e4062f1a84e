"""Devices, memory and performance (the spec's device_memory_perf family): moving tensors,
layers and parameters between devices, what CUDA this machine has and how its memory stands,
the CPU thread count, denormal flushing, the PyTorch profiler and a small benchmark.

On a machine without CUDA the queries answer truthfully (no devices, `cuda_not_available`) and
the commands that need a GPU fail with the pages' texts; with CUDA every command uses the device
its tensor, layer or argument names. The profiler running between profiler_start and
profiler_stop belongs to the interpreter that started it.
"""

import atexit
import contextlib
import functools
import os
import time

import torch
import torch.nn.functional as F

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.types import (
    BOOL,
    DEVICE,
    DEVICE_NAME,
    DTYPE,
    INT,
    MODULE,
    PARAMS,
    STRING,
    Choice,
    tcl_bool,
)
from .common import TENSOR_INPUT, non_negative, positive, replacing
from .random import _no_args

devices = Family("devices")

# --- parameters several commands share --------------------------------------------------------
LAYER = param("layer", MODULE, aliases=("input",), label="layer_name")
DTYPE_P = param("dtype", DTYPE, None)
# cuda_device_info, cuda_memory_info: a CUDA device by number
DEVICE_ID = param("device_id", INT, 0, invalid="Invalid device_id value. Expected integer.",
                  check=non_negative, check_msg="Invalid device_id: must be non-negative")
# synchronize, empty_cache, memory_stats, memory_summary: a device that may not exist here
SOME_DEVICE = param("device", DEVICE_NAME, None)

# The pages' error texts several commands share.
WRONG_ARGS = "wrong # args: should be {cmd}"


def _positional_only(name, form=""):
    """The texts of a command whose page shows it with no named parameter (or none at all)."""
    expected = f"torch::{name} {form}".rstrip()
    return {"usage": f"Wrong number of arguments for positional syntax. Expected: {expected}",
            "unknown": "Unknown parameter: {option}"
                       + ("" if form else " (this command takes no parameters)")}


def _cuda_device(device_id):
    """device_id as a CUDA device of this machine, or the pages' error."""
    if not torch.cuda.is_available():
        raise CommandError("CUDA not available")
    if device_id >= torch.cuda.device_count():
        raise CommandError("Invalid device ID")
    return torch.device("cuda", device_id)


def _mib(n):
    return n // (1024 * 1024)


# --- tensors ------------------------------------------------------------------------------------
@devices.command("tensor_to", TENSOR_INPUT, param("device", DEVICE), DTYPE_P,
                 errors={"missing": "Required parameters missing: {required_names}"},
                 returns="tensor handle")
def tensor_to(input, device, dtype):
    """The tensor on another device and/or with another dtype (input itself if nothing changes)."""
    return input.to(device=device, dtype=dtype)


@devices.command("tensor_device", TENSOR_INPUT,
                 errors={"missing": "Input tensor is required",
                         "usage": "Invalid number of arguments"},
                 returns="device name")
def tensor_device(input):
    """Where the tensor lives: cpu, or cuda:N with the GPU's number."""
    return str(input.device)


@devices.command("tensor_is_cuda", TENSOR_INPUT,
                 errors={"missing": "Required tensor parameter missing"}, returns="boolean")
def tensor_is_cuda(input):
    """1 if the tensor is on a CUDA device, else 0 (Tensor.is_cuda)."""
    return input.is_cuda


# --- layers and parameters ----------------------------------------------------------------------
def _layer_mover(name, doc, move):
    """Declares `torch::name layer` (or -layer / -input layer): move(layer) in place; the
    layer's handle comes back, for chaining."""
    def body(ctx, layer):
        move(layer)
        return ctx.store.name_of(layer)
    body.__doc__ = doc
    devices.command(name, LAYER, errors={"usage": f"Usage: torch::{name} layer"},
                    returns="the layer's handle")(body)


def _to_cuda(layer):
    if not torch.cuda.is_available():
        raise CommandError("CUDA is not available")
    layer.cuda()


_layer_mover("layer_cpu", "Moves every parameter and buffer of the layer to the CPU "
             "(Module.cpu, in place: the handle stays the same).", lambda layer: layer.cpu())
_layer_mover("layer_cuda", "Moves every parameter and buffer of the layer to the current CUDA "
             "device (Module.cuda, in place); an error where there is no CUDA.", _to_cuda)


@devices.command("layer_to", LAYER, param("device", DEVICE), DTYPE_P,
                 errors={"missing": "Required parameters missing: {required}",
                         "usage": "Usage: {cmd} layer device ?dtype?"},
                 returns="the layer's handle")
def layer_to(ctx, layer, device, dtype):
    """Moves the layer's parameters and buffers to the device, and casts its floating ones to
    dtype if one is given (Module.to, in place: the layer keeps its handle, which comes back).
    The dtype, which API.md's syntax adds to the page's, must be a floating or complex one, as
    PyTorch requires."""
    layer.to(device=device, dtype=dtype)
    return ctx.store.name_of(layer)


@devices.command("layer_device", LAYER, errors={"usage": "Usage: torch::layer_device layer"},
                 returns="device name")
def layer_device(layer):
    """Where the layer's first parameter (or, without parameters, its first buffer) lives: cpu
    or cuda:N. A layer holding no tensor at all answers cpu."""
    for t in (*layer.parameters(), *layer.buffers()):
        return str(t.device)
    return "cpu"


@devices.command("parameters_to", param("parameters", PARAMS, aliases=("params",)),
                 param("device", DEVICE, torch.device("cpu")), DTYPE_P,
                 errors={"missing": "Required parameters missing or invalid (parameters "
                                    "required, device must be 'cpu' or 'cuda')",
                         "usage": "Usage: {cmd} parameters ?device? ?dtype?",
                         "no_value": "Named parameters must come in pairs"},
                 returns="ok")
def parameters_to(parameters, device, dtype):
    """Moves each tensor in place to the device (cpu by default), cast to dtype if one is given,
    and its gradient with it, as Module.to does for a module's parameters: the handles, the
    layers holding them and the optimizers given them all see the moved tensors. A module handle
    in the list stands for all its parameters. Returns ok, as the reference does."""
    with torch.no_grad():
        for p in parameters:
            moved = p.to(device=device, dtype=dtype)
            if moved is p:
                continue
            grad = p.grad if p.is_leaf else None     # (a non-leaf's .grad warns)
            p.data = moved
            if grad is not None:
                p.grad = grad.to(device=device, dtype=dtype)
    return "ok"


# --- CUDA ---------------------------------------------------------------------------------------
@devices.command("cuda_is_available", errors=_positional_only("cuda_is_available"),
                 returns="boolean")
def cuda_is_available():
    """1 if PyTorch can use a CUDA GPU here (torch.cuda.is_available), else 0."""
    return torch.cuda.is_available()


@devices.command("cuda_device_count", errors=_positional_only("cuda_device_count"),
                 returns="integer")
def cuda_device_count():
    """The number of CUDA GPUs PyTorch can use (torch.cuda.device_count): 0 without CUDA."""
    return torch.cuda.device_count()


@devices.command("cuda_device_info", DEVICE_ID,
                 errors=_positional_only("cuda_device_info", "[device_id]"),
                 returns="Device N: name (Compute major.minor)")
def cuda_device_info(device_id):
    """A CUDA GPU's name and compute capability (torch.cuda.get_device_properties), as
    `Device 0: <name> (Compute 8.6)`; an error without CUDA or for a GPU number it lacks."""
    props = torch.cuda.get_device_properties(_cuda_device(device_id))
    return f"Device {device_id}: {props.name} (Compute {props.major}.{props.minor})"


@devices.command("cuda_memory_info", DEVICE_ID,
                 errors=_positional_only("cuda_memory_info", "[device_id]"),
                 returns="Device N Memory: Used=..MB Free=..MB Total=..MB")
def cuda_memory_info(device_id):
    """A CUDA GPU's memory as its driver reports it after the queued work is done
    (torch.cuda.mem_get_info): used, free and total, in whole MiB; an error without CUDA or for a
    GPU number it lacks."""
    device = _cuda_device(device_id)
    torch.cuda.synchronize(device)
    free, total = torch.cuda.mem_get_info(device)
    return (f"Device {device_id} Memory: Used={_mib(total - free)}MB Free={_mib(free)}MB "
            f"Total={_mib(total)}MB")


def _cuda_or_none(device):
    """The CUDA device a command acts on (the current one unless `device` names one), or None
    for a CPU device."""
    if device is None or device.type == "cuda":
        return device or torch.device("cuda", torch.cuda.current_device())
    return None


_STATUS_ERRORS = {"usage": "Invalid number of arguments"}


@devices.command("synchronize", SOME_DEVICE, errors=_STATUS_ERRORS,
                 returns="synchronized or cuda_not_available")
def synchronize(device):
    """Waits until the queued CUDA work is done (torch.cuda.synchronize) on the given CUDA
    device, or on the current one. Without CUDA it does nothing and answers
    cuda_not_available, as the page has it, whatever device is named; a CPU device
    synchronises the current CUDA device."""
    if not torch.cuda.is_available():
        return "cuda_not_available"
    torch.cuda.synchronize(_cuda_or_none(device) or torch.cuda.current_device())
    return "synchronized"


@devices.command("empty_cache", SOME_DEVICE, aliases=("emptyCache",), errors=_STATUS_ERRORS,
                 returns="cache_cleared or cuda_not_available")
def empty_cache(device):
    """Hands the CUDA caching allocator's unused blocks back to the driver
    (torch.cuda.empty_cache), on the given CUDA device or the current one, after its queued
    work is done; tensors in use keep their memory. Without CUDA: cuda_not_available."""
    if not torch.cuda.is_available():
        return "cuda_not_available"
    with torch.cuda.device(_cuda_or_none(device) or torch.cuda.current_device()):
        torch.cuda.synchronize()
        torch.cuda.empty_cache()
    return "cache_cleared"


def _cuda_status():
    if not torch.cuda.is_available():
        return "cuda_available: false"
    return f"cuda_available: true device_count: {torch.cuda.device_count()}"


@devices.command("memory_stats", SOME_DEVICE,
                 errors={"usage": WRONG_ARGS + " ?device?"}, returns="string")
def memory_stats(device):
    """Whether CUDA is available and, with it, the caching allocator's counters. Without CUDA
    the answer is `cuda_available: false`; with it, `cuda_available: true device_count: N`
    followed by the CUDA caching allocator's counters for the device (torch.cuda.memory_stats,
    each as `name: value`, e.g. `allocated_bytes.all.current: 512`), unless a CPU device is
    named."""
    status = _cuda_status()
    cuda = torch.cuda.is_available() and _cuda_or_none(device)
    if not cuda:
        return status
    stats = torch.cuda.memory_stats(cuda)
    return " ".join([status, *(f"{key}: {value}" for key, value in stats.items())])


@devices.command("memory_summary", SOME_DEVICE,
                 errors={"usage": WRONG_ARGS + " ?device?"}, returns="string")
def memory_summary(device):
    """A readable report of CUDA memory use. Without CUDA the answer is `CUDA not available`;
    with it, `CUDA Memory Summary:` and `Device Count: N` lines followed by the caching
    allocator's table for the device (torch.cuda.memory_summary), unless a CPU device is
    named."""
    if not torch.cuda.is_available():
        return "CUDA not available"
    head = f"CUDA Memory Summary:\nDevice Count: {torch.cuda.device_count()}"
    cuda = _cuda_or_none(device)
    return head if cuda is None else f"{head}\n{torch.cuda.memory_summary(cuda)}"


@devices.command("memory_snapshot",
                 errors={"usage": WRONG_ARGS, "unknown": WRONG_ARGS, "no_value": WRONG_ARGS},
                 returns="string")
def memory_snapshot():
    """A time-stamped one-line note of the CUDA memory state: `timestamp: <seconds since 1970>
    cuda_available: false` without CUDA; with CUDA, `cuda_available: true device_count: N`
    and the current device's bytes held by tensors and reserved by the caching allocator
    (`allocated_bytes: ... reserved_bytes: ...`, torch.cuda.memory_allocated and
    memory_reserved)."""
    text = f"timestamp: {int(time.time())} {_cuda_status()}"
    if torch.cuda.is_available():
        text += (f" allocated_bytes: {torch.cuda.memory_allocated()}"
                 f" reserved_bytes: {torch.cuda.memory_reserved()}")
    return text


# --- CPU settings -------------------------------------------------------------------------------
@devices.command("get_num_threads", errors=_no_args("get_num_threads"), returns="integer")
def get_num_threads():
    """The number of threads PyTorch's CPU operations use (torch.get_num_threads)."""
    return torch.get_num_threads()


# PyTorch's OpenMP pool starts its threads lazily, at the next parallel operation, and stops
# the process (libgomp: "Thread creation failed", or SIGSEGV) when the system refuses one; that
# happens here between 4,096 and 16,384 threads, and sooner where processes are limited.
MAX_THREADS = 1024


@devices.command("set_num_threads",
                 param("num_threads", INT,
                       invalid="Invalid num_threads value (must be a positive integer)",
                       check=positive, check_msg="Number of threads must be positive"),
                 errors={"prefix": "Error in set_num_threads: ",
                         "missing": "Usage: torch::set_num_threads num_threads | "
                                    "torch::set_num_threads -numThreads value",
                         "usage": "Usage: torch::set_num_threads num_threads",
                         "no_value": "Named parameters must come in pairs"},
                 returns="threads_set")
def set_num_threads(num_threads):
    """Sets how many threads PyTorch's CPU operations use (torch.set_num_threads), for the
    whole process: at most 1024, or 4 per CPU where that is more."""
    limit = max(MAX_THREADS, 4 * (os.cpu_count() or 1))
    if num_threads > limit:
        raise CommandError(f"Number of threads must be at most {limit}: PyTorch's thread pool "
                           "ends the process when the system refuses it a thread")
    torch.set_num_threads(num_threads)
    return "threads_set"


_FLUSH_USAGE = ('wrong # args: should be "torch::set_flush_denormal enabled" or '
                '"torch::set_flush_denormal -enabled value"')


@devices.command("set_flush_denormal",
                 param("enabled", BOOL, invalid="expected integer for {option} parameter"),
                 errors={"prefix": "Error in set_flush_denormal: ", "missing": _FLUSH_USAGE,
                         "usage": _FLUSH_USAGE, "unknown": "unknown option: {option}"},
                 returns="denormal_flushing_enabled or denormal_flushing_disabled")
def set_flush_denormal(enabled):
    """Makes the CPU flush denormal (subnormal) floats to zero, or stops it
    (torch.set_flush_denormal). The answer is the state that holds afterwards: where the CPU
    cannot flush denormals (no SSE3), enabling leaves it off and the answer says
    denormal_flushing_disabled (the reference's placeholder always echoed the request)."""
    supported = torch.set_flush_denormal(enabled)
    return "denormal_flushing_enabled" if enabled and supported else "denormal_flushing_disabled"


# --- profiler -----------------------------------------------------------------------------------
# profiler_start's config keys: the torch.profiler.profile options they set. verbose is ours:
# profiler_stop then answers the table of the operators' times instead of profiler_stopped.
PROFILER_KEYS = ("record_shapes", "profile_memory", "with_stack", "with_flops", "with_modules",
                 "verbose")


def _profiler_config(ctx, config):
    options = {}
    for item in (s.strip() for s in config.split(",")):
        if not item:
            continue
        key, eq, value = (s.strip() for s in item.partition("="))
        if key not in PROFILER_KEYS:
            raise CommandError(f"Unknown profiler option: {key} "
                               f"(valid: {', '.join(PROFILER_KEYS)})")
        if not eq:
            raise CommandError(f"Invalid profiler option: {item} (expected {key}=0 or {key}=1)")
        options[key] = tcl_bool(ctx, value)
    return options


@devices.command("profiler_start", param("config", STRING, ""),
                 errors={"usage": 'wrong # args: should be "torch::profiler_start ?config?"'},
                 returns="profiler_started")
def profiler_start(ctx, config):
    """Starts torch.profiler.profile, recording every operator that runs (on the CPU, and CUDA
    kernels where there is CUDA) until profiler_stop. The config `key=value,...` sets
    record_shapes, profile_memory, with_stack, with_flops and with_modules (0 or 1, PyTorch's
    options of those names) and verbose (profiler_stop then answers the timing table). The
    reference's profiler was a placeholder; this one really records. One profiler per
    interpreter, and none while another runs in the process: starting a second is an error.
    One left running stops when its interpreter closes, or when the process exits."""
    if getattr(ctx, "device_profiler", None) is not None:
        raise CommandError("The profiler is already running: stop it with torch::profiler_stop")
    # PyTorch's profiler is one per process: a second one started over it (another
    # interpreter's, or Python's own torch.profiler) stops the first's recording, and exporting
    # either trace afterwards crashes the process (torch 2.13).
    if torch.autograd._profiler_enabled():
        raise CommandError("A profiler is already running in this process (another "
                           "interpreter's, or torch.profiler in Python): stop it first")
    options = _profiler_config(ctx, config)
    verbose = options.pop("verbose", False)
    activities = [torch.profiler.ProfilerActivity.CPU]
    if torch.cuda.is_available():
        activities.append(torch.profiler.ProfilerActivity.CUDA)
    profiler = torch.profiler.profile(activities=activities, **options)
    profiler.start()
    ctx.device_profiler = (profiler, verbose)
    _RUNNING_PROFILERS.add(profiler)
    ctx.on_close["profiler"] = functools.partial(_stop, profiler)    # (holds no ctx: no cycle)
    return "profiler_started"


# torch 2.13 ends the process with SIGSEGV at exit when a profiler still runs: whatever a script
# left running is stopped when its interpreter closes, or else when Python exits.
_RUNNING_PROFILERS: set[torch.profiler.profile] = set()


def _stop(profiler):
    """Stop a profiler profiler_start started, if it still runs."""
    if profiler in _RUNNING_PROFILERS:
        _RUNNING_PROFILERS.discard(profiler)
        profiler.stop()


@atexit.register
def _stop_every_profiler():
    for profiler in list(_RUNNING_PROFILERS):
        with contextlib.suppress(Exception):     # (exiting: nothing to tell anyone)
            _stop(profiler)


@devices.command("profiler_stop", param("trace", STRING, ""), param("summary", BOOL, None),
                 errors={"usage": 'wrong # args: should be "torch::profiler_stop"'},
                 returns="profiler_stopped, or the timing table")
def profiler_stop(ctx, trace, summary):
    """Stops the profiler profiler_start started. With -trace FILE it writes the recording as
    a Chrome trace (JSON; open it in chrome://tracing or Perfetto). It answers
    profiler_stopped, or with -summary 1 (by default: profiler_start's verbose) the table of
    time spent per operator (key_averages().table(), the most expensive first). Both options
    are this project's additions to the page."""
    running = getattr(ctx, "device_profiler", None)
    if running is None:
        raise CommandError("The profiler is not running: start it with torch::profiler_start")
    profiler, verbose = running
    # The trace's file is made first: where it cannot be written, the profiler keeps running
    # (nothing recorded is lost; stop again with another path). PyTorch's exporter only logs
    # its own failure to open the file.
    with replacing(trace, f"the trace {trace}", "INVALID") if trace else \
            contextlib.nullcontext() as tmp:
        ctx.device_profiler = None
        ctx.on_close.pop("profiler", None)     # (nor keeps the recording alive)
        _stop(profiler)
        if tmp:
            profiler.export_chrome_trace(tmp)
            if not os.path.getsize(tmp):
                raise OSError(0, "nothing was written")
    if summary if summary is not None else verbose:
        sort = "self_device_time_total" if torch.cuda.is_available() else "self_cpu_time_total"
        return profiler.key_averages().table(sort_by=sort, row_limit=20)
    return "profiler_stopped"


# --- benchmark ----------------------------------------------------------------------------------
BENCHMARKS = ("matmul", "mm", "add", "conv2d")


def _size(text):
    try:
        size = [int(n) for n in text.lower().split("x")]
    except ValueError:
        raise CommandError(f'Invalid size: "{text}" (expected N, NxM, NxMxP, ...)') from None
    if any(n <= 0 for n in size):
        raise CommandError(f'Invalid size: "{text}" (sizes must be positive)')
    return size


def _operands(operation, size, dtype, device):
    """The inputs the operation runs on, and the operation (a torch call on them)."""
    def make(*shape):
        if dtype.is_floating_point or dtype.is_complex:
            return torch.randn(shape, dtype=dtype, device=device)
        return torch.randint(-8, 8, shape, dtype=dtype, device=device)
    if operation in ("matmul", "mm"):
        if len(size) != 2:
            raise CommandError("matmul requires 2D tensor size: NxM")
        return (make(*size), make(*size[::-1])), torch.mm
    if operation == "add":
        return (make(*size), make(*size)), torch.add
    if len(size) != 4:
        raise CommandError("conv2d requires 4D tensor size: NxCxHxW")
    return (make(*size), make(32, size[1], 3, 3)), F.conv2d


@devices.command("benchmark",
                 param("operation", Choice(*BENCHMARKS), aliases=("op",),
                       invalid="Unknown operation: {value} (supported: matmul, add, conv2d)"),
                 param("iterations", INT, 1, aliases=("iter",),
                       invalid="Invalid iterations: must be positive integer",
                       check=positive, check_msg="Invalid iterations: must be positive integer"),
                 param("size", STRING, "1000x1000"), param("dtype", DTYPE, torch.float32),
                 param("device", DEVICE, torch.device("cpu")),
                 param("verbose", BOOL, False, invalid="Invalid verbose: must be 0/1"),
                 errors={"missing": "Missing required parameter: -operation",
                         "no_value": "Named parameters require pairs: -param value"},
                 returns="microseconds, or a description with them")
def benchmark(operation, iterations, size, dtype, device, verbose):
    """Times an operation on random inputs of the given size, made once on the device: matmul
    (or mm, an NxM matrix times an MxN one), add (two tensors of any shape) or conv2d (an
    NxCxHxW batch through 32 3x3 filters). torch.utils.benchmark.Timer runs it `iterations`
    times after a warm-up, with PyTorch's current thread count (set_num_threads) and CUDA
    synchronisation; the answer is the total time in whole microseconds, or with -verbose 1 a
    line naming the operation, iterations and size with it. Unlike the reference, making the
    inputs is not part of the time."""
    from torch.utils import benchmark as tbench

    operands, op = _operands(operation, _size(size), dtype, device)
    timer = tbench.Timer(stmt="op(a, b)", globals={"op": op, "a": operands[0], "b": operands[1]},
                         num_threads=torch.get_num_threads())
    elapsed = round(timer.timeit(iterations).mean * iterations * 1e6)
    if verbose:
        return (f"Operation: {operation}, Iterations: {iterations}, Size: {size}, "
                f"Time: {elapsed} microseconds")
    return elapsed
