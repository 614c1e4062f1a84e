"""The handle store: every PyTorch object a script holds lives here under a name like `tensor3`.

Kinds are declared once (below): what Python objects belong to a kind, its "not found" text, how a
handle of it is named and summarised. Names are never reused, so a freed handle stays unknown.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import torch

from ._tclbridge import Handle, Store
from .errors import CommandError
from .types import dtype_label


def _tensor_bytes(t):
    """The bytes a tensor holds; a sparse one's are its parts' (PyTorch gives it no nbytes)."""
    if t.layout is torch.strided:
        return t.nbytes
    parts: tuple[torch.Tensor, ...]
    if t.layout is torch.sparse_coo:
        parts = (t._indices(), t._values())
    elif t.layout in (torch.sparse_csr, torch.sparse_bsr):
        parts = (t.crow_indices(), t.col_indices(), t.values())
    elif t.layout in (torch.sparse_csc, torch.sparse_bsc):
        parts = (t.ccol_indices(), t.row_indices(), t.values())
    else:
        return t.numel() * t.element_size()
    return sum(part.nbytes for part in parts)


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
    Kind("work", "a distributed request", "Invalid handle", lambda w: "work"),  # isend/irecv
]}


# Escaped handles are kept (reclaim.py); past this many bytes of their tensors, or this many of
# them, the interpreter warns, and again at each doubling.
WARN_BYTES = 1 << 30
WARN_COUNT = 100_000

_PREFIX = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z", re.ASCII)


def _stem(prefix):
    """The stem a name is made of: a name is its stem plus a counter (1, 2, ... no leading zero),
    and a stem never ends in a digit, so a name splits back into exactly one (stem, number) pair:
    two stems' names never meet, and each stem has one counter. A prefix ending in a digit gets an
    underscore ("tensor1" -> tensor1_1, not tensor11, which is the 11th tensor). A prefix must be
    an identifier: the reclaimer finds names in text as such words (reclaim.py)."""
    if not isinstance(prefix, str) or not _PREFIX.match(prefix):
        raise ValueError(f"a handle prefix is a word of letters, digits and _ that does not "
                         f"start with a digit, not {prefix!r}")
    return prefix + "_" if prefix[-1].isdigit() else prefix


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
    that). Escaped ones are kept in `young` until torch::free or torch::collect (reclaim.py)."""

    def __init__(self) -> None:
        super().__init__(torch.Tensor, HandleStore._escaped)  # unbound: no cycle
        # prefix -> last number handed out (tensors: C side)
        self._counters: defaultdict[str, int] = defaultdict(int)
        self.young: dict[str, int] = {}       # escaped, unpinned handle name -> its tensor's bytes
        self.young_bytes = 0
        self.escapes = 0                      # handles that escaped, all told
        # (count, bytes) when the escaped ones pass a mark
        self.on_pressure: Callable[[int, int], None] | None = None
        self._marks = (WARN_COUNT, WARN_BYTES)

    # --- creating ---------------------------------------------------------------------------
    def new(self, obj: Any, kind: str | Kind | None = None,
            prefix: str | None = None) -> Handle:
        """A new handle for a command's result (any kind)."""
        kind = KINDS[kind] if isinstance(kind, str) else (kind or kind_for(obj))
        prefix = _stem(prefix or getattr(obj, "handle_prefix", None) or kind.prefix(obj))
        if prefix == "tensor":                 # one counter for every tensorN: the C side's
            name = self.next_tensor_name()
        else:
            self._counters[prefix] = n = self._counters[prefix] + 1
            name = f"{prefix}{n}"
        return self.new_handle(obj, kind.name, name)   # (by_id too, for name_of: C side)

    def put(self, obj: Any, kind: str | Kind | None = None, prefix: str | None = None) -> str:
        """A handle for an object from Python, by name; pinned: Python code may keep the name."""
        handle = self.new(obj, kind, prefix)
        handle.pinned = True
        return handle.name

    # --- escapes ------------------------------------------------------------------------------
    def _escaped(self, handles: list[Handle]) -> None:
        """Store.drain calls this (given to Store.__init__) with handles whose names became text."""
        young = self.young
        for handle in handles:
            obj = handle.obj
            if obj is None or handle.pinned:   # freed or pinned by Python that ran meanwhile
                continue
            young[handle.key] = size = _tensor_bytes(obj) if isinstance(obj, torch.Tensor) else 0
            self.young_bytes += size
        self.escapes += len(handles)
        count, nbytes = self._marks
        if len(young) >= count or self.young_bytes >= nbytes:
            # said once per doubling, so a long run is told, not flooded
            self._marks = (max(count, 2 * len(young)), max(nbytes, 2 * self.young_bytes))
            if self.on_pressure is not None:
                self.on_pressure(len(young), self.young_bytes)

    def pin(self, names: Iterable[str]) -> None:
        """These handles left Tcl's sight (an evaluation returned them): never reclaim them."""
        handles, young = self.handles, self.young
        for name in names:
            handle = handles.get(name)
            if handle is not None:
                handle.pinned = True
                self.young_bytes -= young.pop(name, 0)

    # --- lookups ------------------------------------------------------------------------------
    # name_of(obj), a handle's name for telemetry's records, is the C base's: it runs right
    # after a training step, from cold caches, where Python's version took microseconds.

    def get(self, name: str, kind: str) -> Any:
        handle = self.handles.get(name)
        if handle is not None and handle.kind == kind:
            return handle.obj
        wanted = KINDS[kind]
        if handle is None:
            raise CommandError(wanted.not_found, "NOT_FOUND")
        detail = f"{name} is {KINDS[handle.kind].title}, not {wanted.title}"
        raise CommandError(f"{wanted.not_found}: {detail}", "WRONG_KIND", detail)

    def kind_of(self, name: str) -> str:
        handle = self.handles.get(name)
        if handle is None:
            raise CommandError(f"Unknown handle: {name}", "NOT_FOUND")
        return handle.kind

    # --- freeing ------------------------------------------------------------------------------
    def free(self, name: str) -> None:
        self.kind_of(name)                 # an unknown handle is an error
        self.discard((name,))

    def discard(self, names: Iterable[str]) -> None:
        """Drop handles (torch::free, torch::collect); names already gone are skipped."""
        handles, young = self.handles, self.young
        for name in names:
            self.young_bytes -= young.pop(name, 0)
            handle = handles.get(name)
            if handle is not None:
                handle.release()

    # --- listing ------------------------------------------------------------------------------
    def names(self, kind: str | None = None) -> list[str]:
        """Handles of one kind, or of all, oldest first. Names handed out may be shown: they
        escape."""
        return [h.name for h in list(self.handles.values()) if kind is None or h.kind == kind]

    def describe(self, name: str) -> dict[str, Any]:
        kind = KINDS[self.kind_of(name)]
        return {"handle": name, "kind": kind.name, **kind.summarise(self.handles[name].obj)}

    def __len__(self) -> int:
        return len(self.handles)

    def __contains__(self, name: object) -> bool:
        return name in self.handles
