"""Handle reclamation: unreachable handles go, live ones (variables anywhere, pending argument
words) never do, and loop semantics stay Tcl's.

Two mechanisms, both tested: a handle whose name never became text goes with its last Tcl value
(reference counts); an escaped one is the reclaimer's, at loop and evaluation safe points. `esc`
makes a handle escape (its name is copied as text) and returns it."""

import resource

import pytest
from hypothesis import given, settings, strategies as st

from torchtcl_kernel import TorchTcl, TorchTclError

ESC = "proc esc {h} { set copy \"<$h>\"; return $h }; proc id {h} { return $h }"


def eager():
    """An interpreter that collects at every safe point (the strictest test of liveness)."""
    tcl = TorchTcl(stdout=lambda s: None)
    tcl.store.eager = True
    tcl.store.collected()
    tcl.eval(ESC)
    return tcl


@pytest.mark.parametrize("escape", ["id", "esc"])
def test_pending_argument_word_survives_a_proc_that_allocates(escape):
    tcl = eager()
    tcl.eval(f"""proc proc_that_allocates_10000_temporaries_in_a_loop {{}} {{
                    for {{set i 0}} {{$i < 10000}} {{incr i}} {{ {escape} [torch::ones {{3}}] }}
                    return [{escape} [torch::ones {{3}}]]
                }}""")
    result = tcl.eval(f"torch::tensor_add [{escape} [torch::randn {{3}}]] "
                      "[proc_that_allocates_10000_temporaries_in_a_loop]")
    assert tcl.eval(f"torch::tensor_shape {result}") == "3"
    assert len(tcl.store) < 20
    if escape == "esc":
        assert tcl.reclaimer.freed >= 9999


def test_a_handle_goes_with_its_last_value():
    tcl = TorchTcl()
    tcl.eval("set t [torch::ones {3}]; list")
    first = tcl.store.seq
    tcl.eval("set t [torch::ones {3}]; set l [list [torch::ones {2}] [torch::ones {2}]]; list")
    assert len(tcl.store) == 3 and tcl.reclaimer.collections == 0
    assert all(h.seq > first for h in tcl.store.handles.values())
    tcl.eval("set l [lrange $l 1 end]; unset t")
    assert len(tcl.store) == 1
    # Values that stayed values through lists, dicts, arrays, procs and shimmering still work.
    tcl.eval("proc id {x} { return $x }; set d [dict create k [id [torch::ones {4}]]]; "
             "set arr(k) [lindex [list [torch::ones {5}]] 0]; set n [llength [set m [torch::ones {6}]]]")
    assert [tcl.eval(f"torch::tensor_shape {v}") for v in
            ("[dict get $d k]", "$arr(k)", "$m")] == ["4", "5", "6"]


def test_an_escaped_handle_waits_for_a_safe_point():
    tcl = TorchTcl(stdout=lambda s: None)
    tcl.eval("set t [torch::ones {3}]; puts $t; set t 0")
    assert len(tcl.store) == 1, "its name was printed: only a collection may free it"
    tcl.store.eager = True
    tcl.store.collected()
    tcl.eval("puts [torch::ones {1}]")
    assert len(tcl.store) == 0


def test_a_name_from_python_finds_its_handle(tcl):
    h = tcl.interp.put(__import__("torch").zeros(2))
    tcl.interp.tk.call("set", "z", h)
    assert tcl("torch::tensor_shape $z; torch::tensor_shape $z") == "2"
    assert tcl.interp.store.handles[h].pinned


@pytest.mark.parametrize("escape", ["id", "esc"])
def test_every_kind_of_reference_keeps_a_handle(escape):
    tcl = eager()
    tcl.eval("""
        namespace eval ::keep { variable v }
        proc outer {} {
            set local [E [torch::ones {1}]]
            inner
            return $local
        }
        proc inner {} {
            global g arr d
            for {set i 0} {$i < 50} {incr i} {
                if {$i == 3} {
                    set g [E [torch::ones {2}]]
                    set ::keep::v [E [torch::ones {3}]]
                    set arr(x) [E [torch::ones {4}]]
                    set d [dict create a [list 1 [list [E [torch::ones {5}]]]]]
                }
                E [torch::ones {9}]
            }
        }
        set kept [outer]
    """.replace("E [", f"{escape} ["))
    for script, shape in [("$kept", "1"), ("$g", "2"), ("$::keep::v", "3"), ("$arr(x)", "4"),
                          ("[lindex [dict get $d a] 1 0]", "5")]:
        assert tcl.eval(f"torch::tensor_shape {script}") == shape
    assert len(tcl.store) == 5
    if escape == "esc":
        assert tcl.reclaimer.freed >= 40


def test_nested_loops_and_substitutions():
    tcl = eager()
    tcl.eval("""
        proc mk {} { foreach x {1 2 3} { torch::ones {7} }; return [torch::ones {2}] }
        set out {}
        for {set i 0} {$i < 20} {incr i} {
            set a [torch::tensor_add [torch::ones {2}] [torch::tensor_mul [mk] [mk]]]
            foreach j {1 2} { lappend out [torch::tensor_add $a [mk]] }
            while {[llength $out] > 6} { set out [lrange $out 1 end] }
        }
    """)
    assert tcl.eval("llength $out") == "6"
    assert all(tcl.eval(f"torch::tensor_item [torch::tensor_sum {h}]") == "6.000000"
               for h in tcl.tk.splitlist(tcl.eval("set out")))


def test_handles_returned_to_or_put_from_python_are_never_reclaimed():
    tcl = eager()
    typed = tcl.eval("torch::ones {2}")                       # shown, not stored: a user may type it
    pinned = tcl.put(__import__("torch").zeros(3))
    tcl.eval("for {set i 0} {$i < 100} {incr i} { esc [torch::ones {1}] }")
    assert tcl.eval(f"torch::tensor_shape {typed}") == "2"
    assert tcl.eval(f"torch::tensor_shape {pinned}") == "3"


def test_many_short_loops_do_not_pile_up():
    """Each loop's last iterations (after its last collection) are reclaimed later, at an
    enclosing safe point or when an evaluation ends: nothing accumulates across cells."""
    tcl = TorchTcl()
    tcl.eval(ESC)
    tcl.eval("proc burst {} { for {set i 0} {$i < 700} {incr i} { esc [torch::ones {3}] } }")
    for _ in range(40):
        tcl.eval("burst; foreach k {1 2 3} { esc [torch::zeros {2}] }")
    assert len(tcl.store) < 5000


def test_an_evaluation_keeps_what_it_returns_and_reclaims_the_rest():
    tcl = eager()
    returned = tcl.eval("torch::ones {1}; set kept [torch::ones {2}]; torch::ones {3}")
    listed = tcl.eval("list [torch::ones {4}] [torch::ones {5}]")
    for _ in range(3):
        tcl.eval("for {set i 0} {$i < 10} {incr i} { torch::zeros {1} }; unset -nocomplain kept")
    tcl.eval("torch::zeros {1}; list")
    assert tcl.eval(f"torch::tensor_shape {returned}") == "3"
    assert [tcl.eval(f"torch::tensor_shape {h}") for h in tcl.tk.splitlist(listed)] == ["4", "5"]
    assert len(tcl.store) == 3, "the unreturned, unheld tensors of shape 1, 2 and the zeros went"


def test_loops_keep_their_tcl_semantics():
    tcl = TorchTcl()
    assert tcl.eval("proc f {} { for {set i 0} {$i < 10} {incr i} { if {$i == 3} { return $i } }; "
                    "return none }; f") == "3"
    assert tcl.eval("set n 0; foreach x {1 2 3 4} { if {$x == 2} continue; if {$x == 4} break; "
                    "incr n }; set n") == "2"
    assert tcl.eval("set k 0; while {$k < 5} { incr k }; set k") == "5"
    assert tcl.eval("foreach {a b} {1 2 3 4} { set last $a$b }; set last") == "34"
    assert tcl.eval("set s {}; foreach x {1 2} y {a b} { append s $x$y }; set s") == "1a2b"
    try:
        tcl.eval("proc g {} {\n for {set i 0} {$i < 2} {incr i} {\n  set y 1\n  error boom\n }\n}\ng")
    except TorchTclError as e:
        assert '("for" body line 3)' in e.error_info and '(procedure "g" line 2)' in e.error_info
    for script, message in [("for a b c", 'wrong # args: should be "for start test next command"'),
                            ("while x", 'wrong # args: should be "while test command"'),
                            ("time", 'wrong # args: should be "time command ?count?"')]:
        with pytest.raises(TorchTclError) as info:
            tcl.eval(script)
        assert info.value.message == message
    assert "microseconds per iteration" in tcl.eval("time {set x 1} 10")


def test_a_naive_training_loop_stays_bounded():
    tcl = TorchTcl()
    tcl.eval("""set x [torch::randn {64 100}]; set y [torch::randn {64 1}]
                set model [torch::linear 100 1]
                set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.01]""")
    run = "for {set i 0} {$i < 3000} {incr i} { torch::optimizer_zero_grad $opt; " \
          "set loss [torch::mse_loss [torch::layer_forward $model $x] $y]; " \
          "torch::tensor_backward $loss; torch::optimizer_step $opt }"
    tcl.eval(run)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tcl.eval(run)
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert len(tcl.store) < 3000, "every step's loss and its graph must not stay alive"
    assert grown_mb < 20


# Random programs: variables, lists, nested loops, procs and substitutions over handles, run with
# a collection at every safe point; a reclaimed live handle would make a command fail.
EXPR = st.sampled_from(["[torch::ones {2}]", "[torch::tensor_add $a $b]", "[mk]",
                        "[torch::tensor_mul [torch::ones {2}] [mk]]", "[lindex $l end]",
                        "[esc [torch::ones {2}]]", "[esc [mk]]", "[torch::tensor_add [esc $a] $b]",
                        "[lindex [string trim $l] end]"])
STMT = st.recursive(
    st.one_of(
        st.builds(lambda v, e: f"set {v} {e}", st.sampled_from("abc"), EXPR),
        st.builds(lambda e: f"lappend l {e}; set l [lrange $l end-3 end]", EXPR),
        st.builds(lambda e: f"torch::tensor_sum {e}", EXPR),
        st.just("set d [dict create k [list $a $b]]; set a [lindex [dict get $d k] 1]"),
    ),
    lambda inner: st.one_of(
        st.builds(lambda body: "for {set i%d 0} {$i%d < 3} {incr i%d} {%s}" % ((len(body),) * 3
                                                                            + ("; ".join(body),)),
                  st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda body: "foreach z {1 2} {%s}" % "; ".join(body),
                  st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda body: "call {%s}" % "; ".join(body), st.lists(inner, min_size=1, max_size=2)),
    ),
    max_leaves=8)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(STMT, min_size=1, max_size=5))
def test_random_programs_never_lose_a_live_handle(program):
    tcl = eager()
    tcl.eval("""set a [torch::ones {2}]; set b [torch::ones {2}]; set l [list $a]
                proc mk {} { foreach q {1 2} { esc [torch::ones {2}] }; return [torch::ones {2}] }
                proc call {body} { uplevel 1 $body }""")
    tcl.eval("\n".join(program))
    for v in "ab":
        assert tcl.eval(f"torch::tensor_shape ${v}") == "2"
    for h in tcl.tk.splitlist(tcl.eval("set l")):
        assert tcl.eval(f"torch::tensor_shape {h}") == "2"
