"""Records whose value is still on a device (Telemetry.record_later, commands.common.read_later):
read when someone reads the records, never shown before their value, in the order they were
made. This machine has no GPU: the values here come from CPU tensors through the same functions
a CUDA scaler's update and a CUDA loss's log_scalar use. Also how every record waits in a queue
before the columns take it, and how a paced subscriber (the live dashboard) is called."""

import math
import sys
import threading
import time

import torch

from torchtcl_kernel.commands.common import read_later
from torchtcl_kernel.core.telemetry import FRESH_MAX, PENDING_MAX, Record, Telemetry


class Reads:
    """read() functions that count their calls."""

    def __init__(self):
        self.calls = 0

    def of(self, value, skipped=False):
        def read():
            self.calls += 1
            return value, skipped
        return read


def test_a_pending_record_is_read_when_the_records_are():
    t, reads = Telemetry(), Reads()
    t.record_later("scale", "scaler1", 1, "scale", reads.of(1024.0, True))
    t.record("lr", "optimizer1", 1, "lr", 0.1)
    assert reads.calls == 0                              # the loop did not wait
    assert list(t.records) == [Record("scale", "scaler1", 1, "scale", 1024.0, True),
                               Record("lr", "optimizer1", 1, "lr", 0.1, False)]
    assert reads.calls == 1
    assert len(t.records) == 2 and t.records[-1].value == 0.1 and reads.calls == 1


def test_every_way_of_reading_settles_first(tmp_path):
    for read in (len, lambda r: r[0], lambda r: r[-1], lambda r: r.columns(),
                 lambda r: r[:1]):
        t, reads = Telemetry(), Reads()
        t.record_later("scalar", "user", 1, "loss", reads.of(0.5))
        read(t.records)
        assert reads.calls == 1, read
        assert t.records.columns()[4][0] == 0.5
    t = Telemetry()
    t.record_later("scalar", "user", 1, "loss", Reads().of(0.25))
    assert t.export(tmp_path / "r.json") == 1
    assert '"value": 0.25' in (tmp_path / "r.json").read_text()


def test_a_subscriber_that_reads_values_gets_them_at_once():
    t, reads, seen = Telemetry(), Reads(), []
    t.subscribe(seen.append)
    t.record_later("scale", "scaler1", 1, "scale", reads.of(8.0, True))
    assert reads.calls == 1 and seen == [Record("scale", "scaler1", 1, "scale", 8.0, True)]


def test_a_subscriber_of_kinds_only_lets_records_wait():
    t, reads, seen = Telemetry(), Reads(), []
    t.subscribe(seen.append, values=False)
    t.record_later("scale", "scaler1", 3, "scale", reads.of(8.0))
    assert reads.calls == 0
    assert [(r.kind, r.source, r.step, r.key) for r in seen] == [("scale", "scaler1", 3, "scale")]
    assert math.isnan(seen[0].value)
    assert t.records[0].value == 8.0 and reads.calls == 1


def test_pending_records_are_bounded():
    t, reads = Telemetry(), Reads()
    for i in range(PENDING_MAX):
        t.record_later("scale", "scaler1", i, "scale", reads.of(float(i)))
    assert reads.calls == 0
    t.record_later("scale", "scaler1", PENDING_MAX, "scale", reads.of(-1.0))
    assert reads.calls == PENDING_MAX + 1                # all of them, in order, then this one
    assert [r.value for r in t.records] == [*map(float, range(PENDING_MAX)), -1.0]


def test_new_records_wait_in_a_bounded_queue_and_keep_their_order():
    """A record is one tuple appended (Telemetry.record); the columns take them in batches, so
    what waits stays under FRESH_MAX without any reader, and no batch reads a pending value. A
    reader sees every record in the order it was made, placeholders among them."""
    t, n, reads = Telemetry(), 10 * FRESH_MAX + 7, Reads()
    for i in range(n):
        if i % 1000 == 999:
            t.record_later("scale", "scaler1", i, "scale", reads.of(float(i), True))
        else:
            t.record("lr" if i % 2 else "scalar", "optimizer1" if i % 2 else "user", i,
                     "lr" if i % 2 else "loss", i, i % 3 == 0)
        assert len(t.records.fresh) < FRESH_MAX
    assert reads.calls == 0             # the batches never wait for a device: only reading does
    got = list(t.records)
    assert [r.step for r in got] == list(range(n)) and not t.records.fresh
    assert all(r.value == float(r.step) and type(r.value) is float for r in got)
    assert all(r.skipped == (r.step % 1000 == 999 or r.step % 3 == 0) for r in got)
    assert {(r.kind, r.source, r.key) for r in got} == {
        ("lr", "optimizer1", "lr"), ("scalar", "user", "loss"), ("scale", "scaler1", "scale")}


def test_recording_never_waits_for_a_reader_that_waits_for_a_device():
    """The dashboard's sender thread may hold the records' lock while a pending value comes from
    the device: the training loop goes on recording past FRESH_MAX meanwhile, and nothing is
    lost once the value arrives."""
    t, arrived, reading = Telemetry(), threading.Event(), threading.Event()

    def slow_device():
        reading.set()
        assert arrived.wait(30)
        return 2.0, False
    t.record_later("scale", "scaler1", 0, "scale", slow_device)
    reader = threading.Thread(target=lambda: len(t.records))
    reader.start()
    try:
        assert reading.wait(30)
        start = time.monotonic()
        for i in range(1, 2 * FRESH_MAX):
            if i % 100:
                t.record("lr", "optimizer1", i, "lr", float(i))
            else:                           # (a CUDA loop's scale records, say)
                t.record_later("scale", "scaler1", i, "scale", Reads().of(float(i)))
        assert time.monotonic() - start < 5
    finally:
        arrived.set()
        reader.join()
    assert [r.value for r in t.records] == [2.0, *map(float, range(1, 2 * FRESH_MAX))]


def test_a_record_cut_short_between_its_appends_leaves_the_columns_aligned():
    """Ctrl-C can land between the column appends of one record: that record is dropped, and
    every later record keeps its own label, step and value."""
    t, reads = Telemetry(), Reads()
    t.record("lr", "optimizer1", 1, "lr", 0.5)
    assert len(t.records) == 1
    t.records._label.append(0)            # the state such an interruption leaves
    t.records._step.append(2)
    t.record("scalar", "user", 3, "loss", 2.0)
    assert list(t.records) == [Record("lr", "optimizer1", 1, "lr", 0.5, False),
                               Record("scalar", "user", 3, "loss", 2.0, False)]
    # the same for a placeholder: its read goes with it, the next one reads its own value
    t.record_later("scale", "scaler1", 4, "scale", reads.of(8.0))
    t.records.flush()
    t.records._skipped.pop()              # cut short before its last append
    t.record_later("scale", "scaler1", 5, "scale", reads.of(16.0))
    assert [(r.step, r.value) for r in t.records] == [(1, 0.5), (3, 2.0), (5, 16.0)]
    assert reads.calls == 1


def test_a_paced_subscriber_is_called_when_it_asks_and_after_wake():
    """A paced subscriber (the live dashboard) says when it next wants a record; until then a
    record calls nobody. An unpaced subscriber beside it still gets every record."""
    t, calls = Telemetry(), []

    def paced(record):
        calls.append(record.step)
        return {1: None, 2: time.monotonic() + 3600}.get(record.step, 0.0)
    t.subscribe(paced, values=False, paced=True)
    for step in range(1, 6):
        t.record("scale", "scaler1", step, "scale", 1.0)
    assert calls == [1, 2]                  # 1: "the next one"; 2: "not within the hour"
    t.wake()
    t.record("scale", "scaler1", 6, "scale", 1.0)
    assert calls == [1, 2, 6] and len(t.records) == 6      # every record is kept regardless
    seen = []
    t.subscribe(seen.append)
    for step in range(7, 10):
        t.record("scale", "scaler1", step, "scale", 1.0)
    assert [r.step for r in seen] == [7, 8, 9] and calls == [1, 2, 6, 7, 8, 9]


def test_a_value_that_cannot_be_read_is_a_gap_not_an_error():
    t = Telemetry()

    def broken():
        raise RuntimeError("CUDA error: an illegal memory access was encountered")
    t.record_later("scale", "scaler1", 1, "scale", broken)
    t.record_later("scale", "scaler1", 2, "scale", Reads().of(8.0))
    values = [r.value for r in t.records]
    assert math.isnan(values[0]) and values[1:] == [8.0]


def test_clear_drops_what_is_pending():
    t, reads = Telemetry(), Reads()
    t.record_later("scale", "scaler1", 1, "scale", reads.of(2.0))
    t.clear()
    assert list(t.records) == [] and reads.calls == 0


def test_records_held_across_a_clear_keep_their_own():
    """A view that still holds the records of before a `torch::dashboard reset` (its sender
    thread) reads those, pending ones included, and the new ones are apart."""
    t = Telemetry()
    t.record_later("scale", "scaler1", 1, "scale", Reads().of(2.0))
    before = t.records
    t.clear()
    t.record_later("scale", "scaler1", 1, "scale", Reads().of(4.0))
    t.record("lr", "optimizer1", 1, "lr", 0.1)
    assert [r.value for r in before] == [2.0]
    assert [r.value for r in t.records] == [4.0, 0.1]


def test_a_reader_in_another_thread_never_sees_a_placeholder():
    """The dashboard's sender thread reads while the loop records: every record it counts as
    complete has its value, and the values come in the order they were recorded."""
    t, stop, bad = Telemetry(), threading.Event(), []

    def reader():
        while not stop.is_set():
            complete, _, _, step, value, _ = t.records.columns()
            got = list(value[:complete])
            if any(math.isnan(v) for v in got) or got != [float(s) for s in step[:complete]]:
                bad.append(got)

    thread = threading.Thread(target=reader)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)          # switch threads often, anywhere in record_later
    thread.start()
    try:
        for i in range(3000):
            if i % 3:
                t.record("lr", "optimizer1", i, "lr", float(i))
            else:
                t.record_later("scale", "scaler1", i, "scale", Reads().of(float(i)))
    finally:
        stop.set()
        thread.join()
        sys.setswitchinterval(interval)
    assert not bad
    assert [r.value for r in t.records] == [float(i) for i in range(3000)]


def test_read_later_keeps_the_values_of_the_moment():
    """A scaler's scale changes in place at the next update: the record keeps this one's."""
    scale, found = torch.tensor(65536.0), torch.tensor(1.0)
    read = read_later([scale, found])
    scale.mul_(0.5)
    found.zero_()
    assert read() == [65536.0, 1.0]
    assert read_later([torch.tensor(3, dtype=torch.int32)])() == [3]
