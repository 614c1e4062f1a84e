"""Data-parallel training over torch.distributed (the spec's distributed family).

Every command is PyTorch's own: `distributed_init` starts torch.distributed's default process
group (gloo on CPU, NCCL where CUDA is present), the collectives are torch.distributed's, run on a
copy of the input so the input handle keeps its values, and `distributed_data_parallel` wraps a
model in torch.nn.parallel.DistributedDataParallel. A job of several processes is started by
torchrun (or `torchtcl launch`, which calls it): each process runs the same script and joins the
group through what torchrun puts in its environment (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT).

A collective before `distributed_init` is an error (a script that forgot to join would otherwise
train alone without noticing). A real world of more than one process can only be joined by a
process that a launcher started as part of that world.

The reference's single-process emulation: `distributed_init` asking for world_size > 1 in a
process no launcher started (no RANK, WORLD_SIZE, LOCAL_RANK or TORCHELASTIC_RUN_ID in the
environment) joins a real torch.distributed world of ONE process and records the asked rank and
world size in `WORLD`. Nothing is communicated in that mode and nothing pretends to be: the
collectives run through torch.distributed on that world of one (so an all_reduce gives the input,
as PyTorch does for one process), get_rank / get_world_size / is_distributed report the asked
values, ranks are checked against the asked world size, named process groups are accepted, and a
send or receive to another (absent) rank moves no data: a send completes at once, a receive gives
zeros, as the reference's pages say for that mode. Under a launcher none of this applies.
"""

import os
import re
from datetime import timedelta

import torch
import torch.distributed as dist

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.types import BOOL, DTYPE, FLOAT, INT, MODULE, SHAPE, STRING, TENSOR, Choice, Handle
from .common import non_negative, positive

distributed = Family("distributed", missing="Required parameter missing: {option}")

NOT_INITIALIZED = ("Distributed not initialized: call torch::distributed_init first (a job of "
                   "several processes is started by torchtcl launch or torchrun)")
MUST_BE_INT = "Invalid {option} parameter. Must be an integer."
OPS = {"sum": dist.ReduceOp.SUM, "mean": dist.ReduceOp.AVG, "max": dist.ReduceOp.MAX,
       "min": dist.ReduceOp.MIN, "product": dist.ReduceOp.PRODUCT}
# Only torch.distributed's default group (every process of the job) exists here.
DEFAULT_GROUPS = ("", "default", "world")
LAUNCHER_ENV = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "TORCHELASTIC_RUN_ID")


class World:
    """What the distributed commands report about the job: the real torch.distributed group's rank
    and size, or, in the reference's single-process emulation, the rank and world size that
    distributed_init was asked for (the real group then being a world of one process)."""

    def __init__(self):
        self._emulation = None          # (rank, world_size, the world-of-one group it runs on)
        self.bounded = True             # peers' ranks are checked against world_size

    def emulate(self, rank, world_size, bounded=True):
        """bounded=False: the single process no distributed_init set up (the reference's
        single-GPU mode), whose peers' ranks the reference does not check."""
        self._emulation = (rank, world_size, dist.group.WORLD)
        self.bounded = bounded

    def stop(self):
        self._emulation = None

    @property
    def emulated(self):
        """(rank, world_size) while emulating, else None. The emulation lasts as long as the
        group distributed_init made for it (a group destroyed or replaced ends it)."""
        e = self._emulation
        if e is None or not _initialized() or dist.group.WORLD is not e[2]:
            return None
        return e[:2]

    def rank(self):
        e = self.emulated
        return e[0] if e else dist.get_rank()

    def size(self):
        e = self.emulated
        return e[1] if e else dist.get_world_size()


WORLD = World()


class _Done:
    """The Work of a send or receive that moved nothing (emulation): already complete."""

    @staticmethod
    def wait():
        return True

    @staticmethod
    def is_completed():
        return True


class Request:
    """A non-blocking send or receive in flight (torch.distributed's Work object), as a handle
    `isend_handle_N` / `irecv_handle_N` for distributed_wait and distributed_test."""

    handle_kind = "work"

    def __init__(self, op, work, tensor):
        self.op, self.work, self.tensor = op, work, tensor
        self.handle_prefix = f"{op}_handle_"

    def summary(self):
        return {"type": self.op, "completed": bool(self.work.is_completed()),
                "bytes": self.tensor.numel() * self.tensor.element_size()}


class _WorkHandle(Handle):
    """A request handle. In the emulation (or in a single process with no group yet) a name no
    request made is answered from its name, as
    the reference does: one containing "isend" is a finished send, "irecv" a finished receive (of
    an empty float32 tensor: nothing was sent), anything else a finished operation. A name is one
    word (no blanks) and not the name of another kind of handle."""

    bad_example = "no such handle"

    def convert(self, ctx, word):
        try:
            return super().convert(ctx, word)
        except CommandError as e:
            if ((_initialized() and not WORLD.emulated) or e.code != "NOT_FOUND"
                    or not re.fullmatch(r"[^\s{}\[\]$\\\"]+", word)):
                raise                     # a handle of another kind is no request name
        op = "isend" if "isend" in word else "irecv" if "irecv" in word else "operation"
        return Request(op, _Done(), torch.zeros(0))


WORK = _WorkHandle("work")

# --- parameters several commands share ---------------------------------------------------------
TENSOR_P = param("tensor", TENSOR, aliases=("input",))
GROUP = param("group", STRING, "",
              check=lambda g: g in DEFAULT_GROUPS or bool(WORLD.emulated),
              check_msg='Unknown process group "{value}": only the default group (every '
                        'process of the job, "") exists')
TAG = param("tag", INT, 0, invalid=MUST_BE_INT)
HANDLE = param("handle", WORK, label="handle")


def _tensor(invalid):
    return param("tensor", TENSOR, aliases=("input",), invalid=invalid)


def _rank_param(name, default, check_msg, invalid=MUST_BE_INT, **kw):
    return param(name, INT, default, invalid=invalid, check=non_negative, check_msg=check_msg,
                 **kw)


def _operation(name, choices, invalid, aliases=()):
    return param(name, Choice(*choices), "sum", aliases=aliases, invalid=invalid)


# --- the group's state ------------------------------------------------------------------------
def _initialized():
    return dist.is_available() and dist.is_initialized()


def _world():
    """The real group's world size (one process in the emulation). With no group yet, a process
    that no launcher started joins a world of one, as the reference's collectives work at once in
    a single process (its "single-GPU mode"); a launched worker must call distributed_init first,
    or it would run alone while its peers wait."""
    if not _initialized():
        if int(os.environ.get("WORLD_SIZE", "1")) > 1:
            raise CommandError(NOT_INITIALIZED, "NOT_INITIALIZED")
        dist.init_process_group(store=dist.HashStore(), rank=0, world_size=1,
                                backend="nccl" if torch.cuda.is_available() else "gloo")
        WORLD.emulate(0, 1, bounded=False)      # its sends and receives move nothing
    return dist.get_world_size()


def leave_job():
    """At the end of a launched worker's script that succeeded: wait until every rank has got
    there, then leave the group. A rank that exits while another is still connecting to it (gloo
    builds its full mesh during distributed_init) would make that one fail."""
    if not _initialized() or WORLD.emulated:
        return
    try:
        dist.barrier()
        dist.destroy_process_group()
    except Exception:          # noqa: BLE001 (a peer already gone: torchrun reports the job)
        pass


def _peer(rank, what, other=False):
    """rank checked as the rank of a process of the job (a root, a source, a destination) and
    returned as the real group's rank; `other`: not this one (a point-to-point transfer). In the
    emulation it is checked against the asked world size, this process may be its own peer (the
    reference allows it), and every rank stands for the one real process, rank 0."""
    _world()
    world = WORLD.size()
    if rank >= world and (WORLD.bounded or not WORLD.emulated):
        raise CommandError(f"Invalid {what} rank {rank}: the job has {world} process"
                           f"{'es' if world > 1 else ''} (ranks 0 to {world - 1})", "INVALID")
    if WORLD.emulated:
        return dist.get_rank()
    if other and rank == dist.get_rank():
        raise CommandError(f"Invalid {what} rank {rank}: it is this process's own rank (a "
                           "point-to-point transfer needs another process)", "INVALID")
    return rank


def _device():
    """Where buffers received from other ranks live: this rank's GPU under NCCL, else CPU."""
    if dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


# --- joining the job ----------------------------------------------------------------------------
INIT_MISSING = ("Required parameters missing or invalid: -rank, -worldSize, and -masterAddr are "
                "required")


def _from_env(value, variable, convert=str):
    if value is not None:
        return value
    word = os.environ.get(variable)
    return convert(word) if word not in (None, "") else None


@distributed.command(
    "distributed_init",
    param("rank", INT, None, invalid="Invalid -rank parameter. Must be an integer.",
          check=non_negative, check_msg=INIT_MISSING),
    param("world_size", INT, None, invalid="Invalid -worldSize parameter. Must be an integer.",
          check=positive, check_msg=INIT_MISSING),
    param("master_addr", STRING, None, check=bool, check_msg=INIT_MISSING),
    param("master_port", INT, None, invalid="Invalid -masterPort parameter. Must be an integer.",
          check=lambda p: 0 < p < 65536, check_msg="Invalid -masterPort: {value} (1 to 65535)"),
    param("backend", STRING, None),
    param("timeout", FLOAT, None, check=positive, check_msg="Invalid -timeout: {value} (seconds, "
                                                            "> 0)"),
    forms=["rank world_size master_addr ?master_port? ?backend?"],
    errors={"usage": "Wrong number of arguments for positional syntax. Expected: "
                     "{cmd} rank world_size master_addr ?master_port? ?backend?"},
    returns="status string")
def distributed_init(rank, world_size, master_addr, master_port, backend, timeout):
    """Join this process to the job's default process group (torch.distributed).

    What a launcher set fills what is not given: RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT,
    so under torchrun or torchtcl launch a bare `torch::distributed_init` is enough (with no
    launcher, a bare call joins a world of one process). The port is 29500 otherwise. The
    backend is nccl where CUDA is available, else gloo (the page says nccl; a CPU-only PyTorch
    has none). -timeout (seconds, beyond the page) bounds the rendezvous and every later
    collective; PyTorch's default otherwise.

    A world of one process needs no network: its group is made over an in-memory store
    (torch.distributed.HashStore), the address is only checked. A real larger world needs its
    other processes, started together by a launcher: in a launched process rank and world_size
    must be the launcher's, and the status says "(multi-process)". Without a launcher,
    world_size > 1 is the reference's single-process emulation: the process joins a real world
    of one (as above) and the commands report the asked rank and world size; nothing is
    communicated (see the module's docstring). Its status is the page's: "(emulated multi-GPU)",
    backend=emulated_<backend> and the page's note. Calling it again leaves the current group
    first.
    """
    if (rank, world_size, master_addr) == (None, None, None) and "WORLD_SIZE" not in os.environ:
        rank, world_size, master_addr = 0, 1, "127.0.0.1"      # not launched: a world of one
    rank = _from_env(rank, "RANK", int)
    world_size = _from_env(world_size, "WORLD_SIZE", int)
    master_addr = _from_env(master_addr, "MASTER_ADDR")
    master_port = _from_env(master_port, "MASTER_PORT", int) or 29500
    if rank is None or world_size is None or not master_addr or rank >= world_size:
        raise CommandError(INIT_MISSING, "MISSING")
    backend = backend or ("nccl" if torch.cuda.is_available() else "gloo")
    if not dist.is_available() or not dist.is_backend_available(backend):
        raise CommandError(f"Backend {backend} is not available in this PyTorch build", "INVALID")
    launched = os.environ.get("WORLD_SIZE")
    emulate = world_size > 1 and not any(v in os.environ for v in LAUNCHER_ENV)
    if launched is None and world_size > 1 and not emulate:
        raise CommandError(
            f"world_size {world_size} needs {world_size} processes started together: "
            "run the script with torchtcl launch or torchrun (they set WORLD_SIZE and RANK)",
            "INVALID")
    if launched is not None and (launched != str(world_size) or
                                 os.environ.get("RANK", str(rank)) != str(rank)):
        raise CommandError(
            f"rank {rank} of {world_size} does not match this process's launcher "
            f"(RANK={os.environ.get('RANK')}, WORLD_SIZE={launched})", "INVALID")
    kwargs = {"backend": backend, "rank": 0 if emulate else rank,
              "world_size": 1 if emulate else world_size}
    if timeout is not None:
        kwargs["timeout"] = timedelta(seconds=timeout)
    if _initialized():
        dist.destroy_process_group()
    WORLD.stop()
    if emulate:
        dist.init_process_group(store=dist.HashStore(), **kwargs)
        WORLD.emulate(rank, world_size)
        return (f"Distributed training initialized (emulated multi-GPU): rank={rank}, "
                f"world_size={world_size}, backend=emulated_{backend} "
                "(Note: Real multi-GPU requires NCCL headers)")
    if world_size == 1:
        dist.init_process_group(store=dist.HashStore(), **kwargs)
        mode = "single GPU"
    else:
        dist.init_process_group(init_method=f"tcp://{master_addr}:{master_port}", **kwargs)
        mode = "multi-process"
        if backend == "nccl":
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", rank)) %
                                  torch.cuda.device_count())
    return (f"Distributed training initialized ({mode}): rank={rank}, world_size={world_size}, "
            f"backend={backend}")


@distributed.command("get_rank", returns="integer")
def get_rank():
    """This process's rank in the job (0 when no group was joined), torch.distributed.get_rank;
    in the single-process emulation, the rank distributed_init was given."""
    return WORLD.rank() if _initialized() else 0


@distributed.command("get_world_size", returns="integer")
def get_world_size():
    """How many processes the job has (1 when no group was joined); in the single-process
    emulation, the world size distributed_init was given."""
    return WORLD.size() if _initialized() else 1


@distributed.command("is_distributed", returns="1 or 0")
def is_distributed():
    """Whether this process is part of a job of several processes: a process group joined
    (torch.distributed.is_initialized) whose world has more than one process, as the page
    defines it (a world of one is single-process mode); true in the single-process emulation
    of a larger world, as the reference reports it."""
    return _initialized() and WORLD.size() > 1


@distributed.command("distributed_barrier",
                     errors={"usage": "Wrong number of arguments. Expected: {cmd}"},
                     returns="status string")
def distributed_barrier():
    """Wait until every process of the job reaches this point (torch.distributed.barrier).

    Before distributed_init it returns "Distributed not initialized" (no error, as the page
    says); after, "Barrier synchronized (single GPU)" for a world of one process,
    "Barrier synchronized (multi-process)" for a launched job, and the page's "Barrier
    synchronized (simulated multi-GPU)" in the single-process emulation (whose real world of one
    process has nobody to wait for).
    """
    if not _initialized():
        return "Distributed not initialized"
    dist.barrier()
    mode = ("simulated multi-GPU" if WORLD.emulated else
            "single GPU" if dist.get_world_size() == 1 else "multi-process")
    return f"Barrier synchronized ({mode})"


# --- collectives --------------------------------------------------------------------------------
ALL_REDUCE_BAD = "Invalid arguments: tensor required and operation must be sum/mean/max/min"


def _declare_all_reduce(name, errors, bad_tensor, bad_operation):
    """all_reduce and distributed_all_reduce: one command under two pages' error texts."""
    def all_reduce(tensor, operation):
        """The element-wise sum (or mean, max, min) of tensor over every process of the job, the
        same on each: torch.distributed.all_reduce on a copy, so the input keeps its values
        (mean is ReduceOp.AVG, which PyTorch refuses on integer tensors)."""
        _world()
        out = tensor.detach().clone(memory_format=torch.contiguous_format)
        dist.all_reduce(out, op=OPS[operation])
        return out
    distributed.command(name, _tensor(bad_tensor),
                        _operation("operation", ("sum", "mean", "max", "min"), bad_operation,
                                   aliases=("op",)),
                        errors=errors, returns="tensor handle")(all_reduce)


_declare_all_reduce("all_reduce",
                    {"missing": ALL_REDUCE_BAD, "unknown": "unknown option: {option}"},
                    "Tensor not found", ALL_REDUCE_BAD)
_declare_all_reduce("distributed_all_reduce", {}, None,
                    "Invalid operation: {value}. Must be one of: sum, mean, max, min")


@distributed.command(
    "distributed_broadcast", _tensor("Tensor not found"),
    _rank_param("root", 0, "Invalid arguments: tensor required and root must be >= 0",
                invalid="root must be an integer", aliases=("src",)),
    aliases=("broadcast",),
    errors={"missing": 'wrong # args: should be "distributed_broadcast tensor ?root?"'},
    returns="tensor handle")
def distributed_broadcast(tensor, root):
    """root's tensor, on every process (torch.distributed.broadcast on a copy of this process's
    tensor, which gives the shape and dtype to receive into). `torch::broadcast` is the same
    command."""
    root = _peer(root, "root")
    out = tensor.detach().clone(memory_format=torch.contiguous_format)
    dist.broadcast(out, src=root)
    return out


@distributed.command("distributed_all_to_all", _tensor(None), GROUP, returns="tensor handle")
def distributed_all_to_all(tensor, group):
    """Exchange slices with every process: tensor's first dimension is cut into world_size equal
    parts, part j goes to rank j, and the result stacks the parts received, in rank order, in a
    tensor of the same shape (torch.distributed.all_to_all_single)."""
    world = _world()
    if tensor.dim() == 0 or tensor.shape[0] % world:
        raise CommandError(f"all_to_all needs a first dimension divisible by the world size "
                           f"{world}, got shape {list(tensor.shape)}", "INVALID")
    out = torch.empty_like(tensor, memory_format=torch.contiguous_format)
    dist.all_to_all_single(out, tensor.detach().contiguous())
    return out


@distributed.command(
    "distributed_gather", _tensor(None),
    _rank_param("dst", 0, "Invalid -dst: {value} (a rank, >= 0)"), GROUP,
    errors={"usage": "Wrong number of arguments for positional syntax"},
    returns="tensor handle, or empty")
def distributed_gather(tensor, dst, group):
    """Every process's tensor stacked along a new first dimension, in rank order, on the dst
    process (torch.distributed.gather); the other processes get an empty result, as PyTorch
    gives them nothing. Shapes and dtypes must agree across processes. In the single-process
    emulation the one real process is every dst: the result is the input with a leading
    dimension of 1, the page's shape."""
    dst = _peer(dst, "dst")
    source = tensor.detach().contiguous()
    if dist.get_rank() != dst:
        dist.gather(source, None, dst=dst)
        return ""
    parts = [torch.empty_like(source) for _ in range(dist.get_world_size())]
    dist.gather(source, parts, dst=dst)
    return torch.stack(parts)


@distributed.command(
    "distributed_scatter", _tensor("Invalid tensor handle"),
    _rank_param("src", 0, "Required parameter missing: -tensor, or invalid src parameter"),
    GROUP, returns="tensor handle")
def distributed_scatter(tensor, src, group):
    """This process's share of src's tensor: src cuts its first dimension into world_size equal
    parts and rank j receives part j (torch.distributed.scatter). Every process passes a tensor
    of the same shape and dtype (the others' values are not used). In the single-process
    emulation the real world has one process, whose share is the whole tensor (a copy, as the
    page says for that mode)."""
    src = _peer(src, "src")
    world = dist.get_world_size()
    if tensor.dim() == 0 or tensor.shape[0] % world:
        raise CommandError(f"scatter needs a first dimension divisible by the world size {world}, "
                           f"got shape {list(tensor.shape)}", "INVALID")
    source = tensor.detach()
    out = torch.empty_like(source[:source.shape[0] // world]).contiguous()
    parts = [p.contiguous() for p in source.chunk(world)] if dist.get_rank() == src else None
    dist.scatter(out, parts, src=src)
    return out


@distributed.command(
    "distributed_reduce_scatter", _tensor("Invalid tensor handle"),
    _operation("op", tuple(OPS), "Required parameter missing: -tensor, or invalid operation. "
               "Valid operations: sum, mean, max, min, product", aliases=("operation",)),
    GROUP, returns="tensor handle")
def distributed_reduce_scatter(tensor, op, group):
    """This process's part of the element-wise reduction over all processes: the reduced tensor's
    first dimension cut into world_size equal parts, rank j keeping part j
    (torch.distributed.reduce_scatter_single)."""
    world = _world()
    if tensor.dim() == 0 or tensor.shape[0] % world:
        raise CommandError(f"reduce_scatter needs a first dimension divisible by the world size "
                           f"{world}, got shape {list(tensor.shape)}", "INVALID")
    source = tensor.detach().contiguous()
    out = torch.empty_like(source[:source.shape[0] // world]).contiguous()
    dist.reduce_scatter_single(out, source, op=OPS[op])
    return out


# --- point to point -------------------------------------------------------------------------------
P2P_MISSING = "Required parameters missing or invalid: {required} are required"


def _p2p_errors(form):
    return {"missing": P2P_MISSING,
            "missing_positional": "Wrong number of arguments for positional syntax. Expected: "
                                  "{cmd} " + form}


SEND_MISSING = P2P_MISSING.replace("{required}", "-tensor and -dst")
RECV_MISSING = P2P_MISSING.replace("{required}", "-shape and -src")
SEND_TENSOR = _tensor("Invalid tensor handle: {value}")
DST = param("dst", INT, invalid=MUST_BE_INT, check=non_negative, check_msg=SEND_MISSING)
SHAPE_P = param("shape", SHAPE, invalid="Invalid shape format", check=bool,
                check_msg=RECV_MISSING)
SRC = param("src", INT, invalid=MUST_BE_INT, check=non_negative, check_msg=RECV_MISSING)
RECV_DTYPE = param("dtype", DTYPE, torch.float32)
SEND_ERRORS = _p2p_errors("tensor dst ?tag?")
RECV_ERRORS = _p2p_errors("shape src ?tag?")


@distributed.command("distributed_send", SEND_TENSOR, DST, TAG,
                     errors=SEND_ERRORS, returns="send_completed")
def distributed_send(tensor, dst, tag):
    """Send tensor to process dst and wait until it is taken (torch.distributed.send); the
    receiver gives the same tag. In the single-process emulation nothing is sent (there is no
    other process): dst is only checked, and it returns at once."""
    dst = _peer(dst, "dst", other=True)
    if not WORLD.emulated:
        dist.send(tensor.detach().contiguous(), dst, tag=tag)
    return "send_completed"


@distributed.command("distributed_recv", SHAPE_P, SRC, TAG, RECV_DTYPE,
                     errors=RECV_ERRORS,
                     returns="tensor handle")
def distributed_recv(shape, src, tag, dtype):
    """A tensor of this shape received from process src, waiting for it
    (torch.distributed.recv). -dtype (beyond the page, float32 by default) must be the sender's:
    PyTorch receives into a buffer of that dtype. In the single-process emulation nothing is
    received: src is only checked and the result is zeros of that shape, as the page says."""
    src = _peer(src, "src", other=True)
    if WORLD.emulated:
        return torch.zeros(shape, dtype=dtype, device=_device())
    out = torch.empty(shape, dtype=dtype, device=_device())
    dist.recv(out, src, tag=tag)
    return out


@distributed.command("distributed_isend", SEND_TENSOR, DST, TAG,
                     errors=SEND_ERRORS, returns="isend handle")
def distributed_isend(tensor, dst, tag):
    """Start sending tensor to process dst and return at once (torch.distributed.isend): a
    handle for distributed_wait / distributed_test. The tensor sent is a copy made now. In the
    single-process emulation nothing is sent: the request is complete at once."""
    dst = _peer(dst, "dst", other=True)
    data = tensor.detach().clone(memory_format=torch.contiguous_format)
    work = _Done() if WORLD.emulated else dist.isend(data, dst, tag=tag)
    return Request("isend", work, data)


@distributed.command("distributed_irecv", SHAPE_P, SRC, TAG, RECV_DTYPE,
                     errors=RECV_ERRORS,
                     returns="irecv handle")
def distributed_irecv(shape, src, tag, dtype):
    """Start receiving a tensor of this shape from process src and return at once
    (torch.distributed.irecv): distributed_wait on the handle gives the tensor. -dtype as for
    distributed_recv. In the single-process emulation nothing is received: the request is
    complete at once and gives zeros of that shape."""
    src = _peer(src, "src", other=True)
    if WORLD.emulated:
        return Request("irecv", _Done(), torch.zeros(shape, dtype=dtype, device=_device()))
    out = torch.empty(shape, dtype=dtype, device=_device())
    return Request("irecv", dist.irecv(out, src, tag=tag), out)


WAIT_ERRORS = {"missing": "Wrong number of arguments. Expected: {cmd} handle"}


@distributed.command("distributed_wait", HANDLE, errors=WAIT_ERRORS,
                     returns="send_completed or tensor handle")
def distributed_wait(handle):
    """Wait for a non-blocking send or receive to finish (Work.wait): "send_completed" for an
    isend handle, the received tensor for an irecv handle (and, for a name no request made, in
    the single-process emulation only, "operation_completed" as the page says)."""
    handle.work.wait()
    if handle.op == "operation":
        return "operation_completed"
    return "send_completed" if handle.op == "isend" else handle.tensor


@distributed.command("distributed_test", HANDLE, errors=WAIT_ERRORS, returns="true or false")
def distributed_test(handle):
    """Whether a non-blocking send or receive has finished, without waiting
    (Work.is_completed): "true" or "false", as the page spells them. Under gloo a receive
    reports itself complete only once distributed_wait has taken it, as PyTorch's gloo does. In
    the single-process emulation every request is complete ("true"), since none moves data."""
    return "true" if handle.work.is_completed() else "false"


# --- beyond the reference: data-parallel training ---------------------------------------------
@distributed.command(
    "distributed_data_parallel", param("model", MODULE, aliases=("module", "layer")),
    param("find_unused_parameters", BOOL, False), returns="module handle")
def distributed_data_parallel(model, find_unused_parameters):
    """model wrapped in torch.nn.parallel.DistributedDataParallel: a module handle for
    layer_forward, the optimizers, model_summary...; its parameters are rank 0's from now on,
    and backward averages the gradients over every process, as PyTorch's DDP does. Needs
    distributed_init first; on CUDA the model stays on its own device."""
    _world()
    first = next(model.parameters(), None)
    device_ids = [first.device] if first is not None and first.device.type == "cuda" else None
    return torch.nn.parallel.DistributedDataParallel(
        model, device_ids=device_ids, find_unused_parameters=find_unused_parameters)


@distributed.command(
    "distributed_shard", param("tensor", TENSOR, aliases=("input", "data")),
    param("shuffle", BOOL, True), param("seed", INT, 0), param("epoch", INT, 0),
    param("drop_last", BOOL, False),
    param("rank", INT, None, check=non_negative, check_msg="Invalid -rank: {value} (>= 0)"),
    param("world_size", INT, None, aliases=("num_replicas",), check=positive,
          check_msg="Invalid -worldSize: {value} (> 0)"),
    forms=["tensor"], returns="tensor handle")
def distributed_shard(tensor, shuffle, seed, epoch, drop_last, rank, world_size):
    """This process's share of a batch or data set (rows along the first dimension), chosen by
    torch.utils.data.DistributedSampler itself: with -shuffle (the default, as there) the rows
    are permuted by -seed + -epoch, the same permutation on every process; the list is padded by
    wrapping around to a multiple of the world size unless -dropLast, which drops the tail; this
    rank takes indices[rank::world_size]. -rank and -worldSize default to the job's (0 and 1
    before distributed_init)."""
    from torch.utils.data import DistributedSampler
    rank = get_rank() if rank is None else rank
    world_size = get_world_size() if world_size is None else world_size
    sampler = DistributedSampler(range(tensor.shape[0] if tensor.dim() else 1),
                                 num_replicas=world_size, rank=rank, shuffle=shuffle, seed=seed,
                                 drop_last=drop_last)
    sampler.set_epoch(epoch)
    if tensor.dim() == 0:
        raise CommandError("distributed_shard needs a tensor with a first dimension", "INVALID")
    return tensor.index_select(0, torch.tensor(list(sampler), dtype=torch.long,
                                               device=tensor.device))
