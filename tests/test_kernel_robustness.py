"""Every request gets a reply (issue 14, cases 10, 11, 12, 14), through a real kernel process:
NUL bytes, requests on the control channel, interrupts at random moments, odd variable names.

The interrupt stress test makes 40 interrupts; TORCHTCL_INTERRUPTS=200 makes more (run it once
with the machine loaded), TORCHTCL_SEED=N replays a run's random choices."""

import os
import random
import threading
import time

import pytest
import test_kernel as tk_
from jupyter_client.manager import start_new_kernel
from test_kernel import kernel  # noqa: F401  (the module's kernel fixture)

from torchtcl_kernel import TorchTcl, TorchTclError

pytestmark = pytest.mark.slow   # starts real processes (kernels, CLIs): `make test-fast` skips it

REPLY_TIMEOUT = 15      # a request that was answered is answered well within this


def run(kc, code, timeout=REPLY_TIMEOUT, **kw):
    msg_id = kc.execute(code, **kw)
    reply = tk_.shell_reply(kc, msg_id, timeout=timeout)["content"]
    return reply, tk_._collect(kc, msg_id)


def results(msgs):
    return [c["data"]["text/plain"] for _, kind, c in msgs if kind == "execute_result"]


# --- case 10: NUL bytes ---------------------------------------------------------------------------
def test_eval_takes_a_nul_as_tcl_does():
    tcl = TorchTcl()
    assert tcl.eval('set s "a\0b"; string length $s') == "3"
    assert tcl.eval("set s") == "a\0b"
    assert tcl.eval("string length {x\0y}") == "3"
    # errors read as they would without the NUL: no trace of how the script got to Tcl
    with pytest.raises(TorchTclError) as nul:
        tcl.eval("proc f {} {error x\0y {} {MY CODE}}\nf")
    with pytest.raises(TorchTclError) as plain:
        tcl.eval("proc f {} {error xAy {} {MY CODE}}\nf")
    assert nul.value.message == "x\0y"
    assert nul.value.error_code == "MY CODE"
    assert nul.value.error_info.replace("\0", "A") == plain.value.error_info
    assert tcl.eval("info vars ::torchtcl::*nul*") == ""
    # a lone surrogate (JSON can carry one) is the one thing Tcl cannot hold: a Tcl error
    with pytest.raises(TorchTclError, match="U\\+D800"):
        tcl.eval("puts \ud800")
    assert tcl.eval("expr {1 + 1}") == "2"


def test_a_lone_surrogate_tcl_holds_crosses_to_python_and_back_unchanged(tmp_path):
    """Tcl holds lone surrogates (`format %c 0xD800`), which tkinter gives Python as the three
    bytes of Tcl's form, each escaped (surrogateescape). Those go back as the same character,
    through tkinter's calls and the bridge alike, and are read as a list's elements."""
    tcl = TorchTcl()
    t = tcl.eval("set t [torch::zeros {2}]")
    lone = tcl.eval("format %c 0xD800")
    assert lone == "\udced\udca0\udc80"
    # a result holding one, while handles are live (their names are looked for in it)
    assert tcl.eval('list $t "a\\uD800b"') == f"{t} a{lone}b"
    # a command's word and its error message: the same one character, through the bridge
    assert tcl.eval('catch {torch::free "\\uD800"} m; list [string length $m] '
                    '[expr {$m eq "Unknown handle: \\uD800"}]') == "17 1"
    # in a list word, the element is what is wrong, not the list
    with pytest.raises(TorchTclError, match="^expected integer but got"):
        tcl.eval('torch::tensor_reshape $t "2 \\uD800"')
    # a Tcl lambda PyTorch calls back, its text holding one (LambdaLR)
    tcl.eval("set o [torch::optimizer_sgd [list [torch::zeros {2} -requiresGrad 1]] 1.0]")
    tcl.eval('set s [torch::lr_scheduler_lambda $o {{e} {expr {"\\uD800" ne "" ? 0.5 : 1}}}]')
    assert tcl.eval("torch::get_lr $o") == "0.5"
    # telemetry written to a file: the name's bytes as Tcl writes them to a UTF-8 channel
    tcl.eval('torch::log_scalar "k\\uD800" 1.0 1')
    tcl.eval(f"torch::telemetry_export {tmp_path / 'records.csv'}")
    tcl.eval(f'set f [open {tmp_path / "tcl.txt"} w]; fconfigure $f -encoding utf-8; '
             'puts -nonewline $f "k\\uD800"; close $f')
    written = (tmp_path / "tcl.txt").read_bytes()
    assert written == b"k\xed\xa0\x80"
    assert f"\r\nscalar,user,1,{written.decode('latin-1')},1.0,False\r\n".encode("latin-1") \
        in (tmp_path / "records.csv").read_bytes()


def test_nul_in_a_cell_and_in_user_expressions_gets_replies(kernel):  # noqa: F811
    _, kc = kernel
    reply, msgs = run(kc, 'set nul "a\0b"; string length $nul')
    assert reply["status"] == "ok" and results(msgs) == ["3"]
    reply, _ = run(kc, "set plain 1", user_expressions={"n": "string length $nul\0",
                                                         "bad": "error x\0y"})
    assert reply["status"] == "ok"
    expr = reply["user_expressions"]
    assert expr["n"]["data"]["text/plain"] == "4"
    assert expr["bad"]["status"] == "error" and expr["bad"]["evalue"] == "x\0y"
    reply, _ = run(kc, "error x\0y")
    assert reply["status"] == "error" and reply["evalue"] == "x\0y"
    assert run(kc, "set plain")[0]["status"] == "ok"


# --- case 11: the control channel -----------------------------------------------------------------
def control(kc, msg_type, content, timeout=REPLY_TIMEOUT):
    msg = kc.session.msg(msg_type, content)
    kc.control_channel.send(msg)
    deadline = time.time() + timeout
    while True:
        reply = kc.get_control_msg(timeout=max(0.01, deadline - time.time()))
        if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            return reply, msg["header"]["msg_id"]


def test_requests_on_the_control_channel_get_replies(kernel):  # noqa: F811
    _, kc = kernel
    reply, _ = control(kc, "kernel_info_request", {})
    assert reply["content"]["status"] == "ok"
    assert reply["content"]["banner"].startswith("Tcl 8.")
    reply, _ = control(kc, "is_complete_request", {"code": 'puts "abc'})
    assert reply["content"]["status"] == "incomplete"
    reply, _ = control(kc, "is_complete_request", {"code": 'puts "a"x'})
    assert reply["content"]["status"] == "invalid"
    reply, _ = control(kc, "complete_request", {"code": "::torch::tensor_ad", "cursor_pos": 18})
    assert "::torch::tensor_add" in reply["content"]["matches"]
    reply, _ = control(kc, "inspect_request", {"code": "torch::zeros", "cursor_pos": 5})
    assert reply["content"]["found"]
    reply, msg_id = control(kc, "execute_request", {"code": "set viacontrol 7", "silent": False})
    assert reply["msg_type"] == "execute_reply" and reply["content"]["status"] == "ok"
    # its output is its own, and arrives before it goes idle
    assert results(tk_._collect(kc, msg_id)) == ["7"]
    reply, msgs = run(kc, "set viacontrol")          # the same interpreter as the shell's
    assert reply["status"] == "ok" and results(msgs) == ["7"]


def test_an_execute_on_the_control_channel_can_be_interrupted(kernel):  # noqa: F811
    _, kc = kernel
    # (stop_on_error off: by default ipykernel aborts the shell requests that race the error
    # reply, and the next one, sent as that reply arrives, sometimes does)
    msg = kc.session.msg("execute_request", {"code": "while 1 {}", "silent": False,
                                             "stop_on_error": False})
    kc.control_channel.send(msg)
    time.sleep(0.5)
    reply, _ = control(kc, "interrupt_request", {})
    assert reply["content"]["status"] == "ok"
    while True:
        reply = kc.get_control_msg(timeout=REPLY_TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]:
            break
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "KeyboardInterrupt"
    assert run(kc, "expr {1 + 1}")[0]["status"] == "ok"


# --- malformed requests: an error reply naming the field ------------------------------------------
def raw_request(kc, msg_type, content):
    """The reply's content to a request sent as it is (kc.execute and co. check their arguments).
    (An execute's error reply makes ipykernel abort the requests that race it, unless told not
    to: the next request is sent as soon as the reply comes.)"""
    if msg_type == "execute_request" and isinstance(content, dict):
        content = {"stop_on_error": False, **content}
    msg = kc.session.msg(msg_type, content)
    kc.shell_channel.send(msg)
    return tk_.shell_reply(kc, msg["header"]["msg_id"], timeout=REPLY_TIMEOUT)["content"]


@pytest.mark.parametrize("msg_type, content, error", [
    ("execute_request", {"code": 5, "silent": False}, "code must be a string, not 5"),
    ("execute_request", {"code": None}, "code must be a string, not None"),
    ("execute_request", {"code": "set a 1", "user_expressions": ["a"]},
     "user_expressions must be an object, not ['a']"),
    ("complete_request", {"code": "torch::ze", "cursor_pos": "3"},
     "cursor_pos must be an integer, not '3'"),
    ("complete_request", {"code": "torch::ze", "cursor_pos": 2.5},
     "cursor_pos must be an integer, not 2.5"),
    ("complete_request", {"code": "torch::ze", "cursor_pos": -5},
     "cursor_pos must not be negative, not -5"),
    ("complete_request", {"code": 5, "cursor_pos": 1}, "code must be a string, not 5"),
    ("inspect_request", {"code": None, "cursor_pos": 0}, "code must be a string, not None"),
    ("inspect_request", {"code": "torch::zeros", "cursor_pos": True},
     "cursor_pos must be an integer, not True"),
    ("is_complete_request", {"code": None}, "code must be a string, not None"),
    ("execute_request", {"silent": False}, "code is missing"),
    ("complete_request", {"code": "torch::ze"}, "cursor_pos is missing"),
    ("inspect_request", {"cursor_pos": 0}, "code is missing"),
    ("is_complete_request", {}, "code is missing"),
    ("is_complete_request", '["code"]', "content must be an object, not ['code']"),  # (JSON)
])
def test_a_field_missing_or_of_the_wrong_type_gets_an_error_reply_naming_it(
        kernel, msg_type, content, error):  # noqa: F811
    _, kc = kernel
    reply = raw_request(kc, msg_type, content)
    assert (reply["status"], reply["ename"], reply["evalue"], reply["traceback"]) == \
        ("error", "BadRequest", error, [])
    assert run(kc, "expr {6 * 7}")[0]["status"] == "ok"


def test_malformed_parts_of_good_requests(kernel):  # noqa: F811
    _, kc = kernel
    count = run(kc, "set before 1")[0]["execution_count"]
    # a malformed execute_request runs nothing and counts nothing
    assert raw_request(kc, "execute_request", {"code": None})["execution_count"] == count + 1
    assert run(kc, "set after 2")[0]["execution_count"] == count + 1
    # one malformed user expression: its own error, the others and the cell run
    reply = raw_request(kc, "execute_request", {"code": "set x 3", "silent": False,
                                                "user_expressions": {"a": 5, "b": "set x"}})
    assert reply["status"] == "ok"
    assert reply["user_expressions"]["a"] == {
        "status": "error", "ename": "BadRequest", "traceback": [],
        "evalue": "user_expressions['a'] must be a string, not 5"}
    assert reply["user_expressions"]["b"]["data"]["text/plain"] == "3"
    # a cursor past the end is the end (as a frontend counting UTF-16 units may send)
    for pos in (9, 10**9):
        reply = raw_request(kc, "complete_request", {"code": "torch::ze", "cursor_pos": pos})
        assert reply["status"] == "ok" and "torch::zeros" in reply["matches"]
        assert (reply["cursor_start"], reply["cursor_end"]) == (0, 9)
    reply = raw_request(kc, "inspect_request", {"code": "torch::zeros", "cursor_pos": 10**9})
    assert reply["found"] and reply["data"]["text/plain"].startswith("torch::zeros")
    # on the control channel too
    reply, _ = control(kc, "complete_request", {"code": "torch::ze"})
    assert (reply["msg_type"], reply["content"]["evalue"]) == ("complete_reply",
                                                               "cursor_pos is missing")


# --- case 14: no user text in a Tcl script --------------------------------------------------------
def test_inspect_and_complete_odd_names_get_replies(kernel):  # noqa: F811
    _, kc = kernel
    reply, _ = run(kc, r"set {w\(a)} 1; set {w\(b)} {x y}; proc {p*} {a} {}; proc pq {} {}")
    assert reply["status"] == "ok"
    for code, expected in [("puts $w\\", r"array w\: a 1 b {x y}"),
                           ("p*", "proc p* {a}"), ("*", None), ("p?", None), ("[", None),
                           ("puts $w\\(a)", "w\\(a) = 1"), ("$", None), ('$"', None)]:
        reply = tk_.shell_reply(kc, kc.inspect(code, len(code)), timeout=REPLY_TIMEOUT)["content"]
        assert reply["status"] == "ok", (code, reply)
        if expected is None:
            assert not reply["found"], (code, reply)
        else:
            assert reply["found"] and reply["data"]["text/plain"].startswith(expected), (code,
                                                                                       reply)
    for code in ["puts $w\\", "puts $", "p*", "[", "puts {", "torch::zeros {2} -dtype "]:
        reply = tk_.shell_reply(kc, kc.complete(code, len(code)), timeout=REPLY_TIMEOUT)
        assert reply["content"]["status"] == "ok", (code, reply)


# --- case 12: interrupts at random moments --------------------------------------------------------
def test_an_interrupt_for_an_ended_evaluation_stops_nothing():
    tcl = TorchTcl()
    tcl.eval("set a 1")
    ended = tcl.canceller.evaluation
    timer = threading.Timer(0.1, lambda: tcl.interrupt(ended))
    timer.start()
    assert tcl.eval("after 400; set b 2") == "2"
    timer.join()
    running = []
    timer = threading.Timer(0.1, lambda: running.append(tcl.interrupt(tcl.canceller.current())))
    timer.start()
    with pytest.raises(TorchTclError, match="interrupted"):
        tcl.eval("while 1 {}")
    timer.join()
    assert running == [True] and tcl.canceller.current() is None
    assert tcl.eval("set b") == "2"


def test_an_interrupt_in_a_nested_evaluation_stops_the_outer_one():
    tcl = TorchTcl()

    def nested():
        try:
            tcl.eval("while 1 {}")
        except TorchTclError:
            pass                    # a command that goes on after its script failed
        return ""
    tcl.add_command("nested", nested)
    timer = threading.Timer(0.3, tcl.interrupt)
    timer.start()
    with pytest.raises(TorchTclError, match="interrupted"):
        tcl.eval("nested; set after 1")
    timer.join()
    assert tcl.eval("info exists after") == "0"


# Through a real kernel process: cells of each kind, interrupted at random moments.
CELLS = {
    # a pure-Tcl loop, of a random length: the interrupt lands during it or after its end
    "tcl": lambda r: f"set i 0; while {{$i < {r.randint(1000, 2500000)}}} {{incr i}}; set i",
    # a long Python-side command
    "python": lambda r: f"llength [torch::lr_explore cosine -tMax 100 "
                        f"-steps {r.randint(100, 60000)}]",
    # Tcl calling Python in a loop
    "mixed": lambda r: f"for {{set i 0}} {{$i < {r.randint(10, 80000)}}} {{incr i}} "
                       f"{{torch::free [torch::ones {{2}}]}}",
    # a cell that ends at once: the interrupt comes right at its end, or after it
    "end": lambda r: "set x 1",
}


def interrupt_stress(n, seed):
    """`n` interrupts at random moments; returns the counts of what went wrong."""
    rng = random.Random(seed)
    km, kc = start_new_kernel(kernel_name="torchtcl")
    lost = aborted = bad_next = lost_interrupt = 0
    seen = []                           # what went wrong, for the report
    stopped = {kind: 0 for kind in CELLS}   # cells the interrupt stopped (the others had ended)
    slowest = 0.0                       # from an interrupt to the reply of the cell it stopped
    try:
        run(kc, "set probe 0")
        probe = 0
        kinds = list(CELLS)
        for k in range(n):
            kind = kinds[k % len(kinds)]
            msg_id = kc.execute(CELLS[kind](rng))
            time.sleep(rng.uniform(0, 0.02) if kind == "end" else rng.uniform(0, 0.7))
            t0 = time.time()
            if k % 2:
                km.interrupt_kernel()       # as a frontend does (interrupt_mode message)
            else:
                try:
                    control(kc, "interrupt_request", {})
                except Exception:
                    lost_interrupt += 1
            try:
                reply = tk_.shell_reply(kc, msg_id, timeout=REPLY_TIMEOUT)["content"]
                if reply.get("ename") == "KeyboardInterrupt":
                    stopped[kind] += 1
                    slowest = max(slowest, time.time() - t0)
                tk_._collect(kc, msg_id)
            except Exception:
                lost += 1
                seen.append((k, kind, "lost"))
                continue
            if reply["status"] == "aborted":
                aborted += 1
                seen.append((k, kind, "aborted"))
            elif reply["status"] == "error" and reply["ename"] != "KeyboardInterrupt":
                bad_next += 1
                seen.append((k, kind, reply["ename"], reply["evalue"]))
            # the next cell runs normally: the interrupt did not reach it
            probe += 1
            try:
                reply, msgs = run(kc, "incr probe")
            except Exception:
                lost += 1
                seen.append((k, kind, "next: lost"))
                continue
            if reply["status"] == "aborted":
                aborted += 1
                seen.append((k, kind, "next: aborted"))
            elif reply["status"] != "ok" or results(msgs) != [str(probe)]:
                bad_next += 1
                seen.append((k, kind, "next:", reply.get("ename"), results(msgs)))
                run(kc, f"set probe {probe}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return {"interrupts": n, "lost replies": lost, "aborted cells": aborted,
            "wrong results": bad_next, "lost interrupt replies": lost_interrupt,
            "stopped": stopped, "slowest stop": round(slowest, 2), "what went wrong": seen}


@pytest.mark.slow  # stress test
def test_interrupts_at_random_moments_lose_no_reply(capsys):
    n = int(os.environ.get("TORCHTCL_INTERRUPTS", "40"))
    seed = int(os.environ.get("TORCHTCL_SEED", str(int(time.time()))))
    t0 = time.time()
    counts = interrupt_stress(n, seed)
    with capsys.disabled():
        print(f"\ninterrupt stress (seed {seed}, {time.time() - t0:.0f} s, "
              f"load {os.getloadavg()[0]:.1f}): {counts}")
    stopped, slowest = counts.pop("stopped"), counts.pop("slowest stop")
    counts.pop("what went wrong")
    assert sum(stopped.values()) >= n // 6, stopped     # the interrupts did stop cells
    assert slowest < 3.0
    assert counts == {"interrupts": n, "lost replies": 0, "aborted cells": 0, "wrong results": 0,
                      "lost interrupt replies": 0}
