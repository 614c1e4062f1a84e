"""What several command families share: the tensor `-input` and `-optimizer` parameters, the
range checks of numeric parameters, whether an optimizer has gradients to step on, reading
device scalars without waiting, and writing a file atomically. Declares no command."""

import contextlib
import os
import tempfile

import torch

from ..core.errors import CommandError
from ..core.registry import REQUIRED, param
from ..core.types import OPTIMIZER, TENSOR


def positive(value):
    return value > 0


def non_negative(value):
    return value >= 0


def tensor_input(label="tensor", aliases=("tensor",), invalid=None):
    """The tensor a command works on, `-input`. The spec's pages differ only in its positional
    word (`label`), its other option names and the error for a word that is no tensor handle."""
    return param("input", TENSOR, aliases=aliases, label=label, invalid=invalid)


# The common form: `-input` or `-tensor`, written `tensor` in the positional syntax.
TENSOR_INPUT = tensor_input()


def optimizer_param(invalid=None, default=REQUIRED, aliases=("opt",)):
    """The optimizer a command works on, `-optimizer` (`-opt`); pages differ in the error for a
    word that is no optimizer handle and in further option names."""
    return param("optimizer", OPTIMIZER, default, aliases=aliases, invalid=invalid)


def first_gradient(optimizer):
    """The first gradient a backward pass left on the optimizer's parameters, or None. (A loop:
    it runs at every training step, and usually stops at the first parameter.)"""
    for group in optimizer.param_groups:
        for p in group["params"]:
            if p.grad is not None:
                return p.grad
    return None


def has_gradients(optimizer):
    """Whether a backward pass left a gradient on any of the optimizer's parameters."""
    return first_gradient(optimizer) is not None


def read_later(tensors):
    """The values of one-element tensors as they are now, for telemetry.record_later: a function
    returning them as floats. An accelerator's tensors are copied to the host behind the work
    queued so far, and the function waits for that work and those copies only, not for what is
    queued after them (as an .item() at that later moment would); CPU tensors are copied at once
    (their owner may change them in place)."""
    copies = [t.detach().clone() if t.device.type == "cpu"
              else t.detach().to("cpu", non_blocking=True) for t in tensors]
    events = []
    for device in {t.device for t in tensors if t.device.type != "cpu"}:
        events.append(torch.Event(device=device))
        events[-1].record()                 # behind the copies

    def read():
        for done in events:
            done.synchronize()
        return [t.item() for t in copies]
    return read


# What a tensor and a module hold beyond their data (Python objects, dicts, the tensor's C++
# side): floors, so that a stack's estimate below never exceeds what it would really take.
_TENSOR_FLOOR, _MODULE_FLOOR = 500, 2000


def _floor(module):
    """The least memory the module's parameters and objects can take (bytes)."""
    params = list(module.parameters())
    return (sum(p.numel() * p.element_size() for p in params) + _TENSOR_FLOOR * len(params)
            + _MODULE_FLOOR * sum(1 for _ in module.modules()))


def check_stack_fits(count, one, two=None):
    """Fails, as an allocation that cannot be made (MemoryError, worded "not enough memory to
    allocate ..."), when a stack of `count` layers could not fit in this machine's memory even at
    its smallest. `one` is a module like each layer; for a stack whose later layers differ from
    its first (a recurrent layer's input size), `one` and `two` are the stack itself with one and
    with two layers (on the meta device: no memory), and each later layer costs the difference.
    PyTorch builds a stack one layer at a time, copying or allocating small pieces, so an
    impossible count such as 9223372036854775807 would otherwise grow the process until the
    system killed it."""
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return                              # (no way to tell on this system)
    first = _floor(one)
    later = first if two is None else _floor(two) - first
    need = first + later * (count - 1)
    if need > memory:
        raise MemoryError(f"Tried to allocate {need} bytes for a stack of {count} "
                          f"layer{'s' if count != 1 else ''}, on a machine with {memory} bytes "
                          "of memory")


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def replacing(path, what, code="IO"):
    """A new empty temporary file beside path, for the block to write; renamed onto path when
    the block succeeds. On any failure the temporary file goes and path is left as it was, so an
    interrupted write never destroys the previous file. Where the file cannot be made, or an
    OSError ends the block: CommandError "Cannot write {what}: reason"."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp",
                                   dir=os.path.dirname(os.path.abspath(path)))
    except OSError as e:
        raise CommandError(f"Cannot write {what}: {e.strerror or e}", code) from None
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())       # mkstemp makes it private; give it a file's mode
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise CommandError(f"Cannot write {what}: {e.strerror or e}", code) from None
        raise
