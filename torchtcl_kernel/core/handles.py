"""The handle store: every PyTorch object a script holds lives here under a name like `tensor3`.

Kinds are declared once (below): what Python objects belong to a kind, its "not found" text, how a
handle of it is named and summarised. Names are never reused, so a freed handle stays unknown.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

import torch

from .errors import CommandError
from .types import dtype_label


def _tensor_bytes(t):
    return t.numel() * t.element_size()


def _summarise_tensor(t):
    return {"shape": list(t.shape), "dtype": dtype_label(t.dtype), "device": str(t.device),
            "bytes": _tensor_bytes(t)}


def _summarise_module(m):
    return {"type": type(m).__name__,
            "parameters": sum(p.numel() for p in m.parameters()),
            "bytes": sum(_tensor_bytes(t) for t in list(m.parameters()) + list(m.buffers()))}


def _summarise_optimizer(o):
    state_bytes = sum(_tensor_bytes(v) for s in o.state.values() for v in s.values()
                      if isinstance(v, torch.Tensor))
    return {"type": type(o).__name__, "lr": [g["lr"] for g in o.param_groups],
            "bytes": state_bytes}


def _summarise_other(o):
    """Objects that are not plain PyTorch ones describe themselves."""
    if hasattr(o, "summary"):
        return o.summary()
    return {"type": type(o).__name__, "bytes": 0}


@dataclass(frozen=True)
class Kind:
    name: str                 # what scripts and `torch::handles -kind` call it
    title: str                # for messages: "a tensor", "an optimizer"
    not_found: str            # the spec's default text for an unknown handle of this kind
    prefix: Callable          # object -> handle name prefix
    summarise: Callable = _summarise_other
    python_types: tuple = ()


def _lower_class(obj):
    return type(obj).__name__.lower()


KINDS = {k.name: k for k in [
    Kind("tensor", "a tensor", "Invalid tensor name", lambda t: "tensor", _summarise_tensor,
         (torch.Tensor,)),
    Kind("module", "a module", "Invalid layer name", _lower_class, _summarise_module,
         (torch.nn.Module,)),
    Kind("optimizer", "an optimizer", "Optimizer not found", lambda o: "optimizer",
         _summarise_optimizer, (torch.optim.Optimizer,)),
    Kind("scheduler", "a scheduler", "Scheduler not found", lambda s: "scheduler"),
    Kind("scaler", "a gradient scaler", "Gradient scaler not found", lambda s: "scaler"),
]}


TENSOR = KINDS["tensor"]
COLLECT_EVERY = 4000     # handles created between two reclaimer collections, at the least


def kind_for(obj):
    declared = getattr(obj, "handle_kind", None)   # a wrapper (a scaler, a scheduler) says its kind
    if declared:
        return KINDS[declared]
    for kind in KINDS.values():
        if kind.python_types and isinstance(obj, kind.python_types):
            return kind
    raise TypeError(f"no handle kind for {type(obj).__name__}")


class HandleStore:
    def __init__(self):
        self.entries = {}                  # name -> (Kind, object)
        self._counters = defaultdict(int)  # prefix -> last number handed out
        self._names = {}                   # id(object) -> name, for everything but tensors
        # Reclamation (see reclaim.py): handles that commands created, in creation order, with
        # their sequence numbers. Handles put from Python are pinned: never reclaimed.
        self.young = {}
        self.seq = 0
        self.since = 0                     # created since the last collection
        self.threshold = COLLECT_EVERY     # collect when `since` reaches this,
        self.young_bytes = 0               # or when the tensors created since then
        self.byte_threshold = 1 << 18      # hold this much: kept-but-dead activations
        self.due = False                   # slow a training loop down (allocator, caches)
        self.on_due = None                 # called when a collection becomes due

    def put_tensor(self, tensor):
        """A command's tensor result (the commonest case), without the general lookups."""
        n = self._counters["tensor"] + 1
        self._counters["tensor"] = n
        name = f"tensor{n}"
        self.entries[name] = (TENSOR, tensor)
        self.seq = seq = self.seq + 1           # _young(name), inlined on the hot path
        self.young[name] = seq
        self.since += 1
        self.young_bytes += tensor.nbytes
        if (self.since >= self.threshold or self.young_bytes >= self.byte_threshold) \
                and not self.due:
            self._signal_due()
        return name

    def put(self, obj, kind=None, prefix=None, pinned=False):
        kind = KINDS[kind] if isinstance(kind, str) else (kind or kind_for(obj))
        prefix = prefix or getattr(obj, "handle_prefix", None) or kind.prefix(obj)
        self._counters[prefix] += 1
        name = f"{prefix}{self._counters[prefix]}"
        self.entries[name] = (kind, obj)
        if kind.name != "tensor":
            self._names[id(obj)] = name
        if not pinned:
            self._young(name)
        return name

    def _young(self, name):
        self.seq += 1
        self.young[name] = self.seq
        self.since += 1
        if self.since >= self.threshold and not self.due:
            self._signal_due()

    def _signal_due(self):
        self.due = True
        if self.on_due is not None:
            self.on_due()

    def collected(self):
        """A collection ran: count afresh (the reclaimer sets the next count threshold)."""
        self.since = 0
        self.young_bytes = 0
        self.due = False

    def name_of(self, obj):
        """The handle of a module, optimizer, scheduler or scaler (telemetry labels its records)."""
        return self._names.get(id(obj), type(obj).__name__)

    def get(self, name, kind):
        entry = self.entries.get(name)
        if entry is not None and entry[0].name == kind:
            return entry[1]
        wanted = KINDS[kind]
        if entry is None:
            raise CommandError(wanted.not_found, "NOT_FOUND")
        detail = f"{name} is {entry[0].title}, not {wanted.title}"
        raise CommandError(f"{wanted.not_found}: {detail}", "WRONG_KIND", detail)

    def kind_of(self, name):
        entry = self.entries.get(name)
        if entry is None:
            raise CommandError(f"Unknown handle: {name}", "NOT_FOUND")
        return entry[0].name

    def free(self, name):
        self.kind_of(name)
        kind, obj = self.entries.pop(name)
        self.young.pop(name, None)
        if self._names.get(id(obj)) == name:
            del self._names[id(obj)]

    def discard(self, names):
        """Drop handles known to exist (the reclaimer's bulk free)."""
        entries, young, by_id = self.entries, self.young, self._names
        for name in names:
            kind, obj = entries.pop(name)
            del young[name]
            if kind is not TENSOR and by_id.get(id(obj)) == name:
                del by_id[id(obj)]

    def names(self, kind=None):
        return [n for n, (k, _) in self.entries.items() if kind is None or k.name == kind]

    def describe(self, name):
        kind, obj = self.entries[name]
        return {"handle": name, "kind": kind.name, **kind.summarise(obj)}

    def __len__(self):
        return len(self.entries)

    def __contains__(self, name):
        return name in self.entries
