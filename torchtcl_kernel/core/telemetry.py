"""Training telemetry: what scalers, schedulers and optimizers did, step by step.

Commands record; frontends subscribe (the kernel's dashboard redraws from it). A record is kept in
compact columns (about 17 bytes: a 100000-step AMP loop keeps 3.4 MB of history, not 30 MB of
tuples); `records` shows them as Record tuples. With no subscriber nothing else happens. `export`
writes the records as CSV or JSON, so a CLI run keeps them too.

Recording runs right after a step, whose matrix products have evicted the caches: there every
memory line touched costs about 0.1 us. So a new record is one tuple appended to a queue, and the
columns take the queue in a batch when someone reads, or every FRESH_MAX records.

A value that still lies on an accelerator (a CUDA scaler's scale) is recorded without waiting for
it (`record_later`): its record holds a placeholder until someone reads the records, and only
then does telemetry wait for the device to get there. A training loop pays no synchronisation
for its telemetry; reading does, once for everything pending.
"""

import csv
import json
import threading
import time
from array import array
from collections import deque
from collections.abc import Sequence
from typing import NamedTuple


class Record(NamedTuple):
    kind: str        # "scale" | "lr" | "schedule" | "scalar"
    source: str      # the handle (scaler1, optimizer2, inverse_sqrt_scheduler1) or "user"
    step: int
    key: str         # "scale", "lr" / "lr[1]" per parameter group, or a logged scalar's name
    value: float
    skipped: bool    # scale records: the update's inf checks found inf/NaN (steps skipped)


# A worker process of a launched job (torch::launch) sends its records to the launcher as lines
# on its stdout, among what the script prints: this mark, then the record as a JSON list.
LINE_MARK = "\x1etorchtcl-telemetry "
FORWARD_ENV = "TORCHTCL_FORWARD_TELEMETRY"   # "stdout" in a worker's environment: send them


def as_line(record):
    """A record as one line of text (what a worker writes)."""
    return LINE_MARK + json.dumps(list(record)) + "\n"


def from_line(text):
    """The Record a line carries, or None for any other line (or a mangled one)."""
    if not text.startswith(LINE_MARK):
        return None
    try:
        kind, source, step, key, value, skipped = json.loads(text[len(LINE_MARK):])
        return Record(str(kind), str(source), int(step), str(key), float(value), bool(skipped))
    except (ValueError, TypeError):
        return None


# How many records may wait for their device before a record waits for them all (a bound on
# what the placeholders hold: a few small tensors each)
PENDING_MAX = 256
# How many new records may wait as tuples before the recording thread puts them in the columns
# itself (readers put them there first): see Telemetry.record.
FRESH_MAX = 512
NAN = float("nan")
_new_tuple = tuple.__new__
_monotonic = time.monotonic


class Records(Sequence):
    """The records, read-only, as Record tuples made from the columns on demand. Reading settles
    what is pending first (see Telemetry.record_later) and brings in the fresh records."""

    def __init__(self):
        self._labels: list[tuple[str, str, str]] = []   # (kind, source, key)
        self._label_ids: dict[tuple[str, str, str], int] = {}
        self._label, self._step, self._value = array("I"), array("q"), array("d")
        self._skipped = bytearray()
        # (kind, source, step, key, value, skipped) of records made and not yet in the columns,
        # in order; any thread may append (deque appends and pops are atomic)
        self.fresh: deque = deque()
        # [record index (None while it is fresh), read] of records whose value is not yet read
        self.pending: deque = deque()
        self._settling = threading.Lock()

    def __len__(self):
        return self.settle()

    def settle(self):
        """Bring the fresh records into the columns and fill in every pending record (waiting for
        its device); returns how many records are complete. From any thread: the recording one
        may append meanwhile."""
        n, pending = len(self._skipped), self.pending
        # (counted first: a placeholder is pending before it is queued, see `later`)
        if not pending and not self.fresh:
            return n
        with self._settling:
            self._take_fresh()
            # (not a record still being queued; each removed once written: a reader counting
            # complete records stops at the first one left)
            while pending and pending[0][0] is not None and pending[0][0] < len(self._skipped):
                index, read = pending[0]
                try:
                    value, skipped = read()
                except Exception:           # (a device that failed since): a gap in the curve,
                    value, skipped = NAN, False     # not records lost with it
                self._value[index] = float(value)
                self._skipped[index] = 1 if skipped else 0
                pending.popleft()
        n = len(self._skipped)
        try:
            first = pending[0][0]
        except IndexError:                  # none left (another thread may have just settled)
            return n
        return n if first is None else min(n, first)

    def later(self, kind, source, step, key, read):
        """A record whose value read() will give: a placeholder in the columns until then.
        Without the lock, as any record: a reader may hold it while it waits for a device."""
        slot = [None, read]                 # its index, set when it joins the columns
        # Pending before it is queued: a reader that counts complete records without the lock
        # (settle) never sees the placeholder as complete.
        self.pending.append(slot)
        self.fresh.append((kind, source, step, key, slot, False))

    def flush(self):
        """The fresh records into the columns, unless a reader is at it: the recording thread
        calls this every FRESH_MAX records and must never wait for a device there, neither for
        a pending value nor for a reader holding the lock while it reads one (the next record
        tries again)."""
        if self._settling.acquire(blocking=False):
            try:
                self._take_fresh()
            finally:
                self._settling.release()

    def _take_fresh(self):
        """The fresh records into the columns, in order (with the lock)."""
        n, pending = len(self._skipped), self.pending
        if len(self._label) != n:   # a record cut short between its appends (Ctrl-C): drop it,
            for column in (self._label, self._step, self._value):  # not every later one's label
                del column[n:]
            for i in range(len(pending) - 1, -1, -1):   # (its read, if it was a placeholder:
                if pending[i][0] is not None:        # the last slot with an index)
                    if pending[i][0] >= n:
                        del pending[i]
                    break
        fresh = self.fresh
        while fresh:
            kind, source, step, key, value, skipped = fresh.popleft()
            if type(value) is list:         # a placeholder (later): its slot learns its index
                value[0], value = len(self._skipped), NAN
            self._append(kind, source, step, key, value, skipped)

    def _append(self, kind, source, step, key, value, skipped):
        label = self._label_ids.get((kind, source, key))
        if label is None:
            label = self._label_ids[(kind, source, key)] = len(self._labels)
            self._labels.append((kind, source, key))
        self._label.append(label)
        self._step.append(step)
        self._value.append(value)
        self._skipped.append(1 if skipped else 0)     # last: readers count records by it

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if not -n <= i < n:
            raise IndexError("record index out of range")
        i %= n
        kind, source, key = self._labels[self._label[i]]
        return Record(kind, source, self._step[i], key, self._value[i], bool(self._skipped[i]))

    def __iter__(self):
        labels, n = self._labels, len(self)
        for label, step, value, skipped in zip(self._label[:n], self._step[:n], self._value[:n],
                                               self._skipped[:n], strict=True):
            kind, source, key = labels[label]
            yield Record(kind, source, step, key, value, bool(skipped))

    def columns(self):
        """(how many records are complete, the raw columns): labels [(kind, source, key)], then
        per record its label's index, step, value and skipped flag (arrays; views read them
        with numpy in one pass). Records past the count may be appended or pending: ignore."""
        return (len(self), self._labels, self._label, self._step, self._value, self._skipped)


class Telemetry:
    def __init__(self):
        self._subscribers = []                # (callback, paced)
        self._value_subscribers = 0
        self._quiet_until = 0.0               # no subscriber wants a record before (monotonic)
        self._counters = {}
        self.clear()

    def subscribe(self, callback, values=True, paced=False):
        """callback(record) after every record (from the evaluating thread). A subscriber that
        does not read values (values=False) lets records wait for their device: it gets those
        with a NaN value, and reads the records when it needs the values. A paced subscriber
        returns the time.monotonic() before which it wants no record (None: the next one), and
        is called again, with the first record made from then on, or after `wake`; while every
        subscriber is paced and none is due, a record costs no call at all."""
        self._subscribers = [*self._subscribers, (callback, paced)]   # (never changed in place:
        self._value_subscribers += values                             # a call may be iterating)
        self.wake()

    def wake(self):
        """The paced subscribers want the next record after all (their state changed)."""
        self._quiet_until = 0.0

    def forward(self, write):
        """Send every record from now on to write(line), as lines from_line reads back."""
        self.subscribe(lambda record: write(as_line(record)))

    def next_step(self, source):
        """A per-source counter for sources that do not count their own steps."""
        self._counters[source] = n = self._counters.get(source, 0) + 1
        return n

    def record(self, kind, source, step, key, value, skipped=False):
        # The step's matrix products have just evicted the caches: one tuple appended touches the
        # least memory (the columns would cost 4 times as much here), and the columns take it
        # later, in a batch.
        value, fresh = float(value), self._fresh
        fresh.append((kind, source, step, key, value, skipped))
        if len(fresh) >= FRESH_MAX:
            self.records.flush()
        if self._subscribers and _monotonic() >= self._quiet_until:
            self._notify(kind, source, step, key, value, skipped)

    def record_later(self, kind, source, step, key, read):
        """A record whose value is still on its way from a device: read() -> (value, skipped)
        waits for it. Called when the records are read, when PENDING_MAX records wait, or at
        once when a subscriber reads values."""
        if self._value_subscribers or len(self.records.pending) >= PENDING_MAX:
            self.records.settle()
            self.record(kind, source, step, key, *read())
            return
        self.records.later(kind, source, step, key, read)
        if self._subscribers and _monotonic() >= self._quiet_until:
            self._notify(kind, source, step, key, NAN, False)

    def _notify(self, kind, source, step, key, value, skipped):
        # (tuple.__new__ is Record's own __new__ without its Python frame: a frame's worth of
        # cold memory per record, with a dashboard open)
        record = _new_tuple(Record, (kind, source, step, key, value, bool(skipped)))
        quiet = float("inf")
        for callback, paced in self._subscribers:
            until = callback(record)
            quiet = min(quiet, until if paced and until is not None else 0.0)
        self._quiet_until = quiet

    def optimizer_step(self, source, groups):
        """An optimizer stepped: the LR of each of its parameter groups, at its own next step."""
        # (next_step's line, not a call to it: this runs after every step, from cold caches)
        self._counters[source] = step = self._counters.get(source, 0) + 1
        if len(groups) == 1:                    # (the usual case, without a list)
            self.record("lr", source, step, "lr", groups[0]["lr"])
        else:
            self.lrs(source, step, [g["lr"] for g in groups])

    def lrs(self, source, step, lrs, kind="lr"):
        """Each parameter group's LR: kind "lr" at an optimizer's step, "schedule" when a
        scheduler advanced (the LR it set for the optimizer's next step)."""
        for i, lr in enumerate(lrs):
            self.record(kind, source, step, "lr" if i == 0 else f"lr[{i}]", lr)

    def clear(self):
        self.records = Records()
        self._fresh = self.records.fresh
        self._counters.clear()

    def export(self, path):
        """Write every record to path: .json (a list of objects) or anything else as CSV."""
        rows = [r._asdict() for r in self.records]
        # (UTF-8 whatever the locale; a key with a lone surrogate of Tcl's, which arrives as its
        # bytes escaped, is written as those bytes, as Tcl writes it)
        with open(path, "w", newline="", encoding="utf-8", errors="surrogateescape") as f:
            if str(path).lower().endswith(".json"):
                json.dump(rows, f, indent=1)
            else:
                writer = csv.DictWriter(f, fieldnames=Record._fields)
                writer.writeheader()
                writer.writerows(rows)
        return len(rows)
