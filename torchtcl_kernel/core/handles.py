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
INF = float("inf")

# When a collection becomes due (see reclaim.py): after at least this many handles were created
# since the last one, or as many as survived it, whichever is more (so its cost, which grows with
# what survives, stays a small share per handle) ...
COLLECT_EVERY = 4000
# ... or once the tensors created since hold this much: dead activations kept until the next
# collection slow a training loop down (the allocator cannot reuse their memory). A collection
# triggered by bytes still waits for an eighth of the survivors' number of new handles.
COLLECT_BYTES = 1 << 18


def kind_for(obj):
    declared = getattr(obj, "handle_kind", None)   # a wrapper (a scaler, a scheduler) says its kind
    if declared:
        return KINDS[declared]
    for kind in KINDS.values():
        if kind.python_types and isinstance(obj, kind.python_types):
            return kind
    raise TypeError(f"no handle kind for {type(obj).__name__}")


class HandleStore:
    """Handles by kind: `tables[kind]` maps each handle name to its object, so a command's handle
    argument is one dict lookup in its kind's table (the fast path uses `table.__getitem__`)."""

    def __init__(self):
        self.tables = {name: {} for name in KINDS}
        self.tensors = self.tables["tensor"]
        self._counters = defaultdict(int)  # prefix -> last number handed out
        self._tensor_serial = 0            # the "tensor" counter, kept apart for put_tensor
        self._names = {}                   # id(object) -> name, for everything but tensors
        # Reclamation (see reclaim.py): the handles commands created that may still be reclaimed,
        # in creation order, each with its sequence number. Handles put from Python, and handles
        # an evaluation returned to Python, are not here: those are never reclaimed.
        self.young = {}
        self.seq = 0
        self.young_bytes = 0
        self.due = False                   # a collection is due at the next safe point
        self.on_due = None                 # called when it becomes due
        self.eager = False                 # due after every new handle (tests of liveness)
        self.collected(everything=True)

    def put_tensor(self, tensor):
        """A command's tensor result (the commonest case): the hot path, kept lean."""
        self._tensor_serial = n = self._tensor_serial + 1
        name = f"tensor{n}"
        self.tensors[name] = tensor
        self.seq = seq = self.seq + 1
        self.young[name] = seq
        self.young_bytes = held = self.young_bytes + tensor.nbytes
        if seq >= self.collect_at or held >= self.byte_threshold:
            self._pressure()
        return name

    def put(self, obj, kind=None, prefix=None, pinned=False):
        kind = KINDS[kind] if isinstance(kind, str) else (kind or kind_for(obj))
        if kind is TENSOR and prefix is None and not pinned:
            return self.put_tensor(obj)
        prefix = prefix or getattr(obj, "handle_prefix", None) or kind.prefix(obj)
        if prefix == "tensor":
            self._tensor_serial = n = self._tensor_serial + 1
        else:
            self._counters[prefix] = n = self._counters[prefix] + 1
        name = f"{prefix}{n}"
        self.tables[kind.name][name] = obj
        if kind is not TENSOR:
            self._names[id(obj)] = name
        if not pinned:
            self.seq += 1
            self.young[name] = self.seq
            if self.seq >= self.collect_at:
                self._pressure()
        return name

    # --- when collections are due ---------------------------------------------------------
    def collected(self, everything=False):
        """A collection ran (or none yet): arm the thresholds for the next one. A collection in a
        loop only looks at what the loop created; once the young handles outside such ranges
        have grown as much, `everything_due` asks for one over them all where that is safe."""
        survivors = len(self.young)
        self.young_bytes = 0
        self.due = False
        self._full = self.seq + (1 if self.eager else max(COLLECT_EVERY, survivors))
        self._floor = self.seq + (1 if self.eager else survivors // 8)
        self.collect_at = self._full
        self.byte_threshold = COLLECT_BYTES
        if everything:
            self._everything_at = survivors + (1 if self.eager else max(COLLECT_EVERY, survivors))

    @property
    def everything_due(self):
        return self.due or len(self.young) >= self._everything_at

    def _pressure(self):
        """A threshold was crossed: the collection is due, unless the bytes came with too few
        new handles to pay for reading every variable; then it waits for that many."""
        if self.seq < self._full and self.seq < self._floor:
            self.collect_at, self.byte_threshold = self._floor, INF
            return
        self.due = True
        self.collect_at = self.byte_threshold = INF
        if self.on_due is not None:
            self.on_due()

    def pin(self, names):
        """These handles left Tcl's sight (an evaluation returned them): never reclaim them."""
        young = self.young
        for name in names:
            young.pop(name, None)

    # --- lookups --------------------------------------------------------------------------
    def name_of(self, obj):
        """The handle of a module, optimizer, scheduler or scaler (telemetry labels its records)."""
        return self._names.get(id(obj), type(obj).__name__)

    def get(self, name, kind):
        obj = self.tables[kind].get(name)
        if obj is not None:
            return obj
        wanted = KINDS[kind]
        other = self._kind(name)
        if other is None:
            raise CommandError(wanted.not_found, "NOT_FOUND")
        detail = f"{name} is {other.title}, not {wanted.title}"
        raise CommandError(f"{wanted.not_found}: {detail}", "WRONG_KIND", detail)

    def _kind(self, name):
        for kind_name, table in self.tables.items():
            if name in table:
                return KINDS[kind_name]
        return None

    def kind_of(self, name):
        kind = self._kind(name)
        if kind is None:
            raise CommandError(f"Unknown handle: {name}", "NOT_FOUND")
        return kind.name

    # --- freeing --------------------------------------------------------------------------
    def free(self, name):
        self.kind_of(name)                 # an unknown handle is an error
        self.discard((name,))

    def discard(self, names):
        """Drop handles (the reclaimer's bulk free); names already gone are skipped."""
        tensors, young, by_id = self.tensors, self.young, self._names
        for name in names:
            young.pop(name, None)
            if tensors.pop(name, None) is None:
                kind = self._kind(name)
                if kind is not None:
                    obj = self.tables[kind.name].pop(name)
                    if by_id.get(id(obj)) == name:
                        del by_id[id(obj)]

    # --- listing --------------------------------------------------------------------------
    def names(self, kind=None):
        """Handles of one kind, or of every kind (kind by kind), oldest first."""
        kinds = [kind] if kind is not None else list(self.tables)
        return [name for k in kinds for name in self.tables[k]]

    def describe(self, name):
        kind = KINDS[self.kind_of(name)]
        return {"handle": name, "kind": kind.name, **kind.summarise(self.tables[kind.name][name])}

    def __len__(self):
        return sum(len(table) for table in self.tables.values())

    def __contains__(self, name):
        return self._kind(name) is not None
