"""The handle store: every PyTorch object a script holds lives here under a name like `tensor3`.

Kinds are declared once (below): what Python objects belong to a kind, its "not found" text, how a
handle of it is named and summarised. Names are never reused, so a freed handle stays unknown.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Callable

import torch

from ._tclbridge import Store
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

# When a collection of escaped handles becomes due (see reclaim.py): after at least this many
# handles escaped since the last one, or as many as survived it, whichever is more (so its cost,
# which grows with what survives, stays a small share per handle) ...
COLLECT_EVERY = 4000
# ... or once the escaped tensors hold this much (kept dead, they slow training down: the
# allocator cannot reuse their memory). A collection triggered by bytes still waits for an eighth
# of the survivors' number of new escapes.
COLLECT_BYTES = 1 << 18


def kind_for(obj):
    declared = getattr(obj, "handle_kind", None)   # a wrapper (a scaler, a scheduler) says its kind
    if declared:
        return KINDS[declared]
    for kind in KINDS.values():
        if kind.python_types and isinstance(obj, kind.python_types):
            return kind
    raise TypeError(f"no handle kind for {type(obj).__name__}")


class HandleStore(Store):
    """The handles of one interpreter. `handles` (from the C base, see _tclbridge.c) maps each live
    handle's name to its Handle: the object, its kind, its creation number `seq`, whether it
    escaped (its name exists as text) or is pinned (never reclaimed automatically).

    A handle that never escaped is freed as soon as Tcl drops its last value (the C side does
    that). Escaped ones are the reclaimer's: they wait in `young` for a collection."""

    def __init__(self):
        super().__init__(torch.Tensor)
        self._counters = defaultdict(int)  # prefix -> last number handed out (tensors: C side)
        self._by_id = {}                   # id(object) -> Handle, for everything but tensors
        self.young = {}                    # escaped, unpinned handle name -> seq
        self.young_bytes = 0
        self.escapes = 0                   # handles that escaped, all told
        self.due = False                   # a collection is due at the next safe point
        self.on_due = None                 # called when it becomes due
        self.eager = False                 # due after every escape (tests of liveness)
        self.collected(everything=True)

    # --- creating ---------------------------------------------------------------------------
    def new(self, obj, kind=None, prefix=None):
        """A new handle for a command's result (any kind)."""
        kind = KINDS[kind] if isinstance(kind, str) else (kind or kind_for(obj))
        prefix = prefix or getattr(obj, "handle_prefix", None) or kind.prefix(obj)
        if prefix == "tensor":
            name = self.next_tensor_name()
        else:
            self._counters[prefix] = n = self._counters[prefix] + 1
            name = f"{prefix}{n}"
        handle = self.new_handle(obj, kind.name, name)
        if kind is not TENSOR:
            self._by_id[id(obj)] = handle
        return handle

    def put(self, obj, kind=None, prefix=None):
        """A handle for an object from Python, by name; pinned: Python code may keep the name."""
        handle = self.new(obj, kind, prefix)
        handle.pinned = True
        return handle.name

    # --- escapes and collections --------------------------------------------------------------
    def _escaped(self, handles):
        """Called by the C side (Store.drain) with handles whose names just became text."""
        young = self.young
        for handle in handles:
            young[handle.key] = handle.seq
            obj = handle.obj
            if isinstance(obj, torch.Tensor):
                self.young_bytes += obj.nbytes
        self.escapes += len(handles)
        if not self.due and (self.escapes >= self._full or (
                self.young_bytes >= COLLECT_BYTES and self.escapes >= self._floor)):
            self.due = True
            if self.on_due is not None:
                self.on_due()

    def collected(self, everything=False):
        """A collection ran (or none yet): arm the thresholds for the next one. A collection in a
        loop only looks at what the loop created; once the young handles outside such ranges
        have grown as much, `everything_due` asks for one over them all where that is safe."""
        survivors = len(self.young)
        self.young_bytes = 0
        self.due = False
        self._full = self.escapes + (1 if self.eager else max(COLLECT_EVERY, survivors))
        self._floor = self.escapes + (1 if self.eager else survivors // 8)
        if everything:
            self._everything_at = survivors + (1 if self.eager else max(COLLECT_EVERY, survivors))

    @property
    def everything_due(self):
        return self.due or len(self.young) >= self._everything_at

    def pin(self, names):
        """These handles left Tcl's sight (an evaluation returned them): never reclaim them."""
        handles, young = self.handles, self.young
        for name in names:
            handle = handles.get(name)
            if handle is not None:
                handle.pinned = True
                young.pop(name, None)

    # --- lookups ------------------------------------------------------------------------------
    def name_of(self, obj):
        """The handle of a module, optimizer, scheduler or scaler (telemetry labels its records)."""
        handle = self._by_id.get(id(obj))
        if handle is not None and handle.obj is obj:
            return handle.name
        return type(obj).__name__

    def get(self, name, kind):
        handle = self.handles.get(name)
        if handle is not None and handle.kind == kind:
            return handle.obj
        wanted = KINDS[kind]
        if handle is None:
            raise CommandError(wanted.not_found, "NOT_FOUND")
        detail = f"{name} is {KINDS[handle.kind].title}, not {wanted.title}"
        raise CommandError(f"{wanted.not_found}: {detail}", "WRONG_KIND", detail)

    def kind_of(self, name):
        handle = self.handles.get(name)
        if handle is None:
            raise CommandError(f"Unknown handle: {name}", "NOT_FOUND")
        return handle.kind

    # --- freeing ------------------------------------------------------------------------------
    def free(self, name):
        self.kind_of(name)                 # an unknown handle is an error
        self.discard((name,))

    def discard(self, names):
        """Drop handles (the reclaimer's bulk free); names already gone are skipped."""
        handles, young = self.handles, self.young
        for name in names:
            young.pop(name, None)
            handle = handles.get(name)
            if handle is not None:
                handle.release()

    # --- listing ------------------------------------------------------------------------------
    def names(self, kind=None):
        """Handles of one kind, or of all, oldest first. Names handed out may be shown: they
        escape."""
        return [h.name for h in list(self.handles.values()) if kind is None or h.kind == kind]

    def describe(self, name):
        kind = KINDS[self.kind_of(name)]
        return {"handle": name, "kind": kind.name, **kind.summarise(self.handles[name].obj)}

    def __len__(self):
        return len(self.handles)

    def __contains__(self, name):
        return name in self.handles
