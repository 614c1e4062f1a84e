"""Training telemetry: what scalers, schedulers and optimizers did, step by step.

Commands record; frontends subscribe (the kernel's dashboard redraws from it). Recording is an
append of one small tuple; with no subscriber nothing else happens. `export` writes the records as
CSV or JSON, so a CLI run keeps them too.
"""

import csv
import json
from typing import NamedTuple


class Record(NamedTuple):
    kind: str        # "scale" | "lr" | "scalar"
    source: str      # the handle (scaler1, optimizer2, inverse_sqrt_scheduler1) or "user"
    step: int
    key: str         # "scale", "lr" / "lr[1]" per parameter group, or a logged scalar's name
    value: float
    skipped: bool    # scale records: inf/NaN found, the optimizer step skipped


class Telemetry:
    def __init__(self):
        self.records = []
        self._subscribers = []
        self._counters = {}

    def subscribe(self, callback):
        """callback(record) after every record (from the evaluating thread)."""
        self._subscribers.append(callback)

    def unsubscribe(self, callback):
        if callback in self._subscribers:
            self._subscribers.remove(callback)

    def next_step(self, source):
        """A per-source counter for sources that do not count their own steps."""
        self._counters[source] = n = self._counters.get(source, 0) + 1
        return n

    def record(self, kind, source, step, key, value, skipped=False):
        rec = Record(kind, source, step, key, float(value), bool(skipped))
        self.records.append(rec)
        for callback in self._subscribers:
            callback(rec)

    def lrs(self, source, step, lrs):
        for i, lr in enumerate(lrs):
            self.record("lr", source, step, "lr" if i == 0 else f"lr[{i}]", lr)

    def clear(self):
        self.records.clear()
        self._counters.clear()

    def export(self, path):
        """Write every record to path: .json (a list of objects) or anything else as CSV."""
        rows = [r._asdict() for r in self.records]
        with open(path, "w", newline="") as f:
            if str(path).lower().endswith(".json"):
                json.dump(rows, f, indent=1)
            else:
                writer = csv.DictWriter(f, fieldnames=Record._fields)
                writer.writeheader()
                writer.writerows(rows)
        return len(rows)
