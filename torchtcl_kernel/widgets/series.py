"""Telemetry records as the dashboard's curves, thinned by min/max per bucket (no Jupyter here).

One curve per panel line: a scaler's loss scale, an optimizer's LR (per parameter group), a logged
scalar. Both views read the records through this module: the static picture and a saved
notebook's widget state take a bounded copy (`Drawn`), the live page an incremental `Stream` of
new points.

Thinning keeps, per bucket of consecutive records, the one with the lowest and the one with the
highest value, plus every skipped step and the last record: a spike or an overflow never
disappears, however long the run. Up to `LIVE_POINTS` records a curve is sent whole.
"""

import re
from dataclasses import dataclass

import numpy as np

from ..shown import printable

LIVE_POINTS = 10_000   # per curve: every record reaches the page up to here, min/max buckets after
SAVED_POINTS = 30_000  # all curves together in a saved notebook's widget state (17 B a point)

NAMED = 12             # curves the status line and each legend (page, picture) name, at most

# the panels, in the order they are drawn, with their titles
PANELS = {"scale": "loss scale (log2)", "lr": "learning rate", "scalar": "logged"}


def curve_label(kind, source, key):
    """The curve a record belongs to, or None for records no panel draws (a scheduler's own
    LR record: its optimizer's curve, indexed by optimizer steps, already shows that LR). As
    Unicode text: a logged name may hold a lone surrogate of Tcl's, which neither the page nor
    matplotlib can draw."""
    if kind == "scalar":
        return printable(key)
    if kind == "scale":
        return source
    if kind == "lr":
        return source if key == "lr" else f"{source} {key}"
    return None


def columns(records, start=0, stop=None):
    """Records [start, stop) as numpy arrays (label index, step, value, skipped). Safe while the
    evaluating thread appends: `stop` defaults to the records complete now, and every column is
    sliced (a copy) before numpy sees it, so no buffer export ever blocks an append."""
    complete, labels, label, step, value, skipped = records.columns()
    stop = complete if stop is None else stop
    return (list(labels), np.frombuffer(label[start:stop], np.uint32),
            np.frombuffer(step[start:stop], np.int64), np.frombuffer(value[start:stop], np.float64),
            np.frombuffer(skipped[start:stop], np.uint8).astype(bool))


def minmax_pick(values, skipped, bucket):
    """Positions to keep: each full bucket's min and max, every skipped one, and the last."""
    n = len(values)
    if bucket <= 2 or n <= 2:
        return np.arange(n)
    full = n // bucket * bucket
    rows = values[:full].reshape(-1, bucket)
    base = np.arange(0, full, bucket)
    nan = np.isnan(rows)
    keep = [base + np.where(nan, np.inf, rows).argmin(axis=1),
            base + np.where(nan, -np.inf, rows).argmax(axis=1),
            np.flatnonzero(skipped), np.arange(full, n), [n - 1],
            # a bucket's first NaN too, so a NaN step still shows as a gap
            (base + nan.argmax(axis=1))[nan.any(axis=1)]]
    return np.unique(np.concatenate(keep))


def bucket_for(n, limit):
    """The smallest power-of-two bucket that thins n records to at most half of limit points."""
    bucket = 1
    while n > limit and 2 * n / bucket > limit / 2:
        bucket *= 2
    return bucket


@dataclass
class Curve:
    kind: str
    label: str
    step: np.ndarray
    value: np.ndarray
    skipped: np.ndarray

    def thinned(self, limit):
        if len(self.step) <= limit:
            return self
        at = minmax_pick(self.value, self.skipped, bucket_for(len(self.step), limit))
        return Curve(self.kind, self.label, self.step[at], self.value[at], self.skipped[at])

    def message(self):
        """The curve as the page's code reads it: names in JSON, numbers as binary buffers."""
        return ({"kind": self.kind, "label": self.label, "n": len(self.step)},
                [self.step.astype(np.float64).tobytes(), self.value.tobytes(),
                 self.skipped.astype(np.uint8).tobytes()])


def _group(labels, label, step, value, skipped):
    """{curve key: Curve} of the records given, in label order (that of first appearance)."""
    out = {}
    for i in np.flatnonzero(np.bincount(label)):     # the labels present (few; no sort)
        kind, source, key = labels[i]
        name = curve_label(kind, source, key)
        if name is None:
            continue
        at = np.flatnonzero(label == i)
        out[(kind, name)] = Curve(kind, name, step[at], value[at], skipped[at])
    return _rank_order(out)


RANK = re.compile(r"rank(\d+) (.+)\Z", re.S)


def _rank_order(curves):
    """The curves of a launched job's ranks ("rank0 loss", "rank1 loss": torch::launch) side by
    side in rank order, where the first of them appeared: each rank keeps its place, so its
    colour, in every panel. Other curves keep the order of their first appearance."""
    first, keys = {}, {}
    for kind, label in curves:
        match = RANK.match(label)
        name, rank = (("rank", match.group(2)), int(match.group(1))) if match else (label, -1)
        keys[(kind, label)] = (first.setdefault((kind, name), len(first)), rank)
    return dict(sorted(curves.items(), key=lambda item: keys[item[0]]))


def _group_of(key):
    """(first group's curve key, group) of an optimizer's extra parameter group, else None."""
    kind, label = key
    source, _, group = label.rpartition(" ")      # "optimizer1 lr[1]", "rank0 optimizer1 lr[1]"
    return ((kind, source), group) if kind == "lr" and source and group.startswith("lr[") else None


def _same(a, b):
    return len(a) == len(b) and np.array_equal(a, b)


def status(entries, final):
    """The line under the curves: the step, each scaler's scale and skipped steps, each
    optimizer's LR, each logged scalar, up to NAMED curves (the rest counted: a loop that logs
    under a new name each time made a line of thousands). entries: (kind, label, step, value,
    skipped count)."""
    entries = sorted(entries, key=lambda e: list(PANELS).index(e[0]))
    parts, step = [], None
    for kind, label, at, value, skips in entries:
        if kind != "scalar":
            step = at if step is None else max(step, at)
        parts.append(f"{label} scale {value:g}, {skips} skipped" if kind == "scale" else
                     f"{label} lr {value:.4g}" if kind == "lr" and not label.endswith("]") else
                     f"{label} {value:.4g}")
    if not parts:
        return "no training steps recorded yet"
    if step is None:
        step = max(at for _, _, at, _, _ in entries)
    if len(parts) > NAMED:
        parts[NAMED:] = [f"{len(parts) - NAMED} more curves"]
    return " · ".join([f"{'finished' if final else 'training'}", f"step {step}", *parts])


class Drawn:
    """Every drawn curve of some records, read in one pass: the static picture, a saved
    notebook's widget state and the text fallback take them thinned to their own budgets."""

    def __init__(self, records):
        grouped = _group(*columns(records))
        hidden = {key for key, c in grouped.items() if _group_of(key) is not None
                  and _group_of(key)[0] in grouped
                  and _same(grouped[_group_of(key)[0]].value, c.value)}
        self.full = {key: c for key, c in grouped.items() if key not in hidden}
        self.entries = [(kind, label, int(c.step[-1]), float(c.value[-1]), int(c.skipped.sum()))
                        for (kind, label), c in self.full.items()]

    def curves(self, limit=None):
        """{(kind, label): Curve}, each of at most `limit` points (default: SAVED_POINTS in
        all)."""
        limit = limit or max(200, SAVED_POINTS // max(1, len(self.full)))
        return {key: c.thinned(limit) for key, c in self.full.items()}

    def status(self, final=True):
        return status(self.entries, final)

    def state(self):
        """The widget's `snapshot` trait: the curves with their numbers as bytes."""
        out = []
        for curve in self.curves().values():
            head, (step, value, skipped) = curve.message()
            out.append({**head, "step": step, "value": value, "skipped": skipped})
        return {"curves": out, "status": self.status(), "final": True}


_EMPTY = (np.empty(0, np.int64), np.empty(0), np.empty(0, bool))


class _Live:
    """One curve's state in a stream: what is committed on the page, what waits in a bucket."""

    def __init__(self, kind, label):
        self.kind, self.label = kind, label
        self.bucket, self.committed, self.total, self.skips = 1, 0, 0, 0
        self.visible = _group_of((kind, label)) is None   # a group shows once it differs
        self.last = None
        self.pending = _EMPTY


class Stream:
    """New points for the live page since the last call of `take`, per curve:

    - "append": committed points (every record while a curve is short; then min/max buckets) and
      "tail": the records of the bucket still filling (drawn, then replaced by the next message);
    - "replace": the whole curve anew, when it outgrew LIVE_POINTS and its bucket doubled (or a
      parameter group's LR first differed from its first group's, and so starts to show);
    - a "reset" first when the telemetry was cleared.

    Each curve costs O(new records) per call, and O(its history) only when its bucket doubles.
    """

    def __init__(self, telemetry, limit=LIVE_POINTS):
        self.telemetry, self.limit = telemetry, limit
        self.records, self.live = None, {}

    def take(self):
        """(reset?, [(mode, Curve, tail Curve or None)]) of what changed, or None if nothing did."""
        records = self.telemetry.records
        reset = records is not self.records
        if reset:
            self.records, self.cursor, self.live = records, 0, {}
        stop = len(records)                       # records complete now
        if stop == self.cursor and not reset:
            return None
        grouped = _group(*columns(records, self.cursor, stop))
        self.cursor = stop
        changes = []
        for key, new in grouped.items():
            live = self.live.get(key)
            if live is None:
                live = self.live[key] = _Live(*key)
            live.total += len(new.step)
            live.skips += int(np.count_nonzero(new.skipped))
            live.last = (int(new.step[-1]), float(new.value[-1]))
            if not live.visible:
                first = grouped.get(_group_of(key)[0])
                if first is not None and _same(first.value, new.value):
                    continue
                live.visible, live.committed = True, self.limit + 1   # forces a replace
            changes.append(self._advance(live, new))
        return reset, changes

    def status(self, final=False):
        return status([(lv.kind, lv.label, *lv.last, lv.skips) for lv in self.live.values()
                       if lv.visible and lv.last is not None], final)

    def _advance(self, live, new):
        if len(live.pending[0]):
            step, value, skipped = (
                np.concatenate([old, fresh]) for old, fresh in
                zip(live.pending, (new.step, new.value, new.skipped), strict=True))
        else:
            step, value, skipped = new.step, new.value, new.skipped
        mode = "append"
        grows = len(step) if live.bucket == 1 else 2 * len(step) / live.bucket
        if live.committed + grows > self.limit:
            mode, full = "replace", self._history(live)
            live.bucket = bucket_for(live.total, self.limit)
            step, value, skipped = full.step, full.value, full.skipped
            live.committed = 0
        if live.bucket == 1:                 # every record, as it came (the common case)
            done = Curve(live.kind, live.label, step, value, skipped)
            live.committed += len(step)
            live.pending = _EMPTY
            return mode, done, None
        # a filling bucket keeps at least the newest record, so the page always shows it
        ready = (len(step) - 1) // live.bucket * live.bucket
        at = minmax_pick(value[:ready], skipped[:ready], live.bucket)
        done = Curve(live.kind, live.label, step[:ready][at], value[:ready][at],
                     skipped[:ready][at])
        live.committed += len(at)
        live.pending = (step[ready:], value[ready:], skipped[ready:])
        tail = Curve(live.kind, live.label, *live.pending) if ready < len(step) else None
        return mode, done, tail

    def _history(self, live):
        """Every record of one curve up to the stream's cursor."""
        return _group(*columns(self.records, 0, self.cursor))[(live.kind, live.label)]
