"""Data-parallel training over torch.distributed (the spec's distributed family).

Every command is PyTorch's own: `distributed_init` starts torch.distributed's default process
group (gloo on CPU, NCCL where CUDA is present), the collectives are torch.distributed's, run on a
copy of the input so the input handle keeps its values, and `distributed_data_parallel` wraps a
model in torch.nn.parallel.DistributedDataParallel. A job of several processes is started by
torchrun (or `torchtcl launch`, which calls it): each process runs the same script and joins the
group through what torchrun puts in its environment (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT).

The reference emulates several processes inside one; here nothing is emulated. A collective
before `distributed_init` is an error (a script that forgot to join would otherwise train alone
without noticing), and a world of more than one process can only be joined by a process that a
launcher started as part of that world.
"""

import os
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


WORK = Handle("work")

# --- parameters several commands share ---------------------------------------------------------
TENSOR_P = param("tensor", TENSOR, aliases=("input",))
GROUP = param("group", STRING, "", check=lambda g: g in DEFAULT_GROUPS,
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
    """This job's world size: the whole group must be there (else the not-initialized error)."""
    if not _initialized():
        raise CommandError(NOT_INITIALIZED, "NOT_INITIALIZED")
    return dist.get_world_size()


def _peer(rank, what, other=False):
    """rank as the rank of a process of the job (a root, a source, a destination); `other`: not
    this one (a point-to-point transfer)."""
    world = _world()
    if rank >= world:
        raise CommandError(f"Invalid {what} rank {rank}: the job has {world} process"
                           f"{'es' if world > 1 else ''} (ranks 0 to {world - 1})", "INVALID")
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
    (torch.distributed.HashStore), the address is only checked. A larger world needs its other
    processes, started together by a launcher: in a launched process rank and world_size must be
    the launcher's, and without one world_size > 1 is an error (the reference's emulated
    multi-GPU mode does not exist). Calling it again leaves the current group first. Returns
    the page's status text, "(multi-process)" in place of its emulation note.
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
    if launched is None and world_size > 1:
        raise CommandError(
            f"world_size {world_size} needs {world_size} processes started together: "
            "run the script with torchtcl launch or torchrun (they set WORLD_SIZE and RANK)",
            "INVALID")
    if launched is not None and (launched != str(world_size) or
                                 os.environ.get("RANK", str(rank)) != str(rank)):
        raise CommandError(
            f"rank {rank} of {world_size} does not match this process's launcher "
            f"(RANK={os.environ.get('RANK')}, WORLD_SIZE={launched})", "INVALID")
    kwargs = {"backend": backend, "rank": rank, "world_size": world_size}
    if timeout is not None:
        kwargs["timeout"] = timedelta(seconds=timeout)
    if _initialized():
        dist.destroy_process_group()
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
    """This process's rank in the job (0 when no group was joined), torch.distributed.get_rank."""
    return dist.get_rank() if _initialized() else 0


@distributed.command("get_world_size", returns="integer")
def get_world_size():
    """How many processes the job has (1 when no group was joined)."""
    return dist.get_world_size() if _initialized() else 1


@distributed.command("is_distributed", returns="1 or 0")
def is_distributed():
    """Whether this process is part of a job of several processes: a process group joined
    (torch.distributed.is_initialized) whose world has more than one process, as the page
    defines it (a world of one is single-process mode)."""
    return _initialized() and dist.get_world_size() > 1


@distributed.command("distributed_barrier",
                     errors={"usage": "Wrong number of arguments. Expected: {cmd}"},
                     returns="status string")
def distributed_barrier():
    """Wait until every process of the job reaches this point (torch.distributed.barrier).

    Before distributed_init it returns "Distributed not initialized" (no error, as the page
    says); after, "Barrier synchronized (single GPU)" for a world of one process, else
    "Barrier synchronized (multi-process)" (the page's emulation note does not apply).
    """
    if not _initialized():
        return "Distributed not initialized"
    dist.barrier()
    return "Barrier synchronized (" + \
        ("single GPU" if dist.get_world_size() == 1 else "multi-process") + ")"


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
    gives them nothing. Shapes and dtypes must agree across processes."""
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
    of the same shape and dtype (the others' values are not used)."""
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
    receiver gives the same tag."""
    dist.send(tensor.detach().contiguous(), _peer(dst, "dst", other=True), tag=tag)
    return "send_completed"


@distributed.command("distributed_recv", SHAPE_P, SRC, TAG, RECV_DTYPE,
                     errors=RECV_ERRORS,
                     returns="tensor handle")
def distributed_recv(shape, src, tag, dtype):
    """A tensor of this shape received from process src, waiting for it
    (torch.distributed.recv). -dtype (beyond the page, float32 by default) must be the sender's:
    PyTorch receives into a buffer of that dtype."""
    src = _peer(src, "src", other=True)
    out = torch.empty(shape, dtype=dtype, device=_device())
    dist.recv(out, src, tag=tag)
    return out


@distributed.command("distributed_isend", SEND_TENSOR, DST, TAG,
                     errors=SEND_ERRORS, returns="isend handle")
def distributed_isend(tensor, dst, tag):
    """Start sending tensor to process dst and return at once (torch.distributed.isend): a
    handle for distributed_wait / distributed_test. The tensor sent is a copy made now."""
    data = tensor.detach().clone(memory_format=torch.contiguous_format)
    return Request("isend", dist.isend(data, _peer(dst, "dst", other=True), tag=tag), data)


@distributed.command("distributed_irecv", SHAPE_P, SRC, TAG, RECV_DTYPE,
                     errors=RECV_ERRORS,
                     returns="irecv handle")
def distributed_irecv(shape, src, tag, dtype):
    """Start receiving a tensor of this shape from process src and return at once
    (torch.distributed.irecv): distributed_wait on the handle gives the tensor. -dtype as for
    distributed_recv."""
    src = _peer(src, "src", other=True)
    out = torch.empty(shape, dtype=dtype, device=_device())
    return Request("irecv", dist.irecv(out, src, tag=tag), out)


WAIT_ERRORS = {"missing": "Wrong number of arguments. Expected: {cmd} handle"}


@distributed.command("distributed_wait", HANDLE, errors=WAIT_ERRORS,
                     returns="send_completed or tensor handle")
def distributed_wait(handle):
    """Wait for a non-blocking send or receive to finish (Work.wait): "send_completed" for an
    isend handle, the received tensor for an irecv handle."""
    handle.work.wait()
    return "send_completed" if handle.op == "isend" else handle.tensor


@distributed.command("distributed_test", HANDLE, errors=WAIT_ERRORS, returns="true or false")
def distributed_test(handle):
    """Whether a non-blocking send or receive has finished, without waiting
    (Work.is_completed): "true" or "false", as the page spells them. Under gloo a receive
    reports itself complete only once distributed_wait has taken it, as PyTorch's gloo does."""
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
