"""Handle reclamation: a handle whose name never became text goes with its last Tcl value
(reference counts, exact); an escaped one (its name was copied as text) is kept until torch::free,
or until an explicit torch::collect finds nothing that holds it. No live handle is ever freed,
whatever holds its name. `esc` makes a handle escape and returns it."""

import resource
import tkinter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from torchtcl_kernel import TorchTcl, TorchTclError

ESC = ("proc esc {h} { set copy \"<$h>\"; return $h }; proc id {h} { return $h }; "
       "proc txt {h} { string range x$h 1 end }")   # txt: the name as new text, no handle value


def interp():
    tcl = TorchTcl(stdout=lambda s: None)
    tcl.eval(ESC)
    return tcl


@pytest.mark.parametrize("escape", ["id", "esc"])
def test_pending_argument_word_survives_a_proc_that_allocates(escape):
    tcl = interp()
    tcl.eval(f"""proc proc_that_allocates_10000_temporaries_in_a_loop {{}} {{
                    for {{set i 0}} {{$i < 10000}} {{incr i}} {{ {escape} [torch::ones {{3}}] }}
                    return [{escape} [torch::ones {{3}}]]
                }}""")
    result = tcl.eval(f"torch::tensor_add [{escape} [torch::randn {{3}}]] "
                      "[proc_that_allocates_10000_temporaries_in_a_loop]")
    assert tcl.eval(f"torch::tensor_shape {result}") == "3"
    if escape == "id":
        assert len(tcl.store) < 20
    else:            # escaped: kept until asked; the collection keeps the result and the randn
        assert len(tcl.store) > 10000
        tcl.eval("torch::collect")
        assert tcl.eval(f"torch::tensor_shape {result}") == "3" and len(tcl.store) < 20


def test_a_handle_goes_with_its_last_value():
    tcl = TorchTcl()
    tcl.eval("set t [torch::ones {3}]; list")
    first = tcl.store.seq
    tcl.eval("set t [torch::ones {3}]; set l [list [torch::ones {2}] [torch::ones {2}]]; list")
    assert len(tcl.store) == 3
    assert all(h.seq > first for h in tcl.store.handles.values())
    tcl.eval("set l [lrange $l 1 end]; unset t")
    assert len(tcl.store) == 1
    # Values that stayed values through lists, dicts, arrays, procs and shimmering still work.
    tcl.eval("proc id {x} { return $x }; set d [dict create k [id [torch::ones {4}]]]; "
             "set arr(k) [lindex [list [torch::ones {5}]] 0]; "
             "set n [llength [set m [torch::ones {6}]]]")
    assert [tcl.eval(f"torch::tensor_shape {v}") for v in
            ("[dict get $d k]", "$arr(k)", "$m")] == ["4", "5", "6"]


def test_an_escaped_handle_is_kept_until_collect_and_then_freed():
    tcl = interp()
    tcl.eval("set t [torch::ones {3}]; puts $t; set t 0")
    tcl.eval("for {set i 0} {$i < 100} {incr i} { puts [torch::ones {1}] }")
    assert len(tcl.store) == 101, "their names were printed: only torch::collect may free them"
    assert tcl.eval("torch::collect") == "" and len(tcl.store) == 0
    assert tcl.reclaimer.last == "101 freed, 0 kept"


def test_a_name_from_python_finds_its_handle(tcl):
    h = tcl.interp.put(__import__("torch").zeros(2))
    tcl.interp.tk.call("set", "z", h)
    assert tcl("torch::tensor_shape $z; torch::tensor_shape $z") == "2"
    assert tcl.interp.store.handles[h].pinned


@pytest.mark.parametrize("escape", ["id", "esc"])
def test_every_kind_of_reference_keeps_a_handle(escape):
    tcl = interp()
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
    tcl.eval("torch::collect")
    for script, shape in [("$kept", "1"), ("$g", "2"), ("$::keep::v", "3"), ("$arr(x)", "4"),
                          ("[lindex [dict get $d a] 1 0]", "5")]:
        assert tcl.eval(f"torch::tensor_shape {script}") == shape
    assert len(tcl.store) == 5


def test_nested_loops_and_substitutions():
    tcl = interp()
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
    tcl = interp()
    typed = tcl.eval("torch::ones {2}")               # shown, not stored: a user may type it
    inside = tcl.eval("set s x[torch::ones {4}]y")    # a name inside a longer word
    pinned = tcl.put(__import__("torch").zeros(3))
    tcl.eval("unset s; for {set i 0} {$i < 100} {incr i} { esc [torch::ones {1}] }; torch::collect")
    assert tcl.eval(f"torch::tensor_shape {typed}") == "2"
    assert tcl.eval(f"torch::tensor_shape {inside[1:-1]}") == "4"
    assert tcl.eval(f"torch::tensor_shape {pinned}") == "3"
    assert len(tcl.store) == 3


def test_loops_keep_their_tcl_semantics():
    tcl = TorchTcl()
    assert tcl.eval("proc f {} { for {set i 0} {$i < 10} {incr i} { if {$i == 3} { return $i } }; "
                    "return none }; f") == "3"
    assert tcl.eval("set n 0; foreach x {1 2 3 4} { if {$x == 2} continue; if {$x == 4} break; "
                    "incr n }; set n") == "2"
    assert tcl.eval("set k 0; while {$k < 5} { incr k }; set k") == "5"
    assert tcl.eval("foreach {a b} {1 2 3 4} { set last $a$b }; set last") == "34"
    assert tcl.eval("set s {}; foreach x {1 2} y {a b} { append s $x$y }; set s") == "1a2b"
    script = "proc g {} {\n for {set i 0} {$i < 2} {incr i} {\n  set y 1\n  error boom\n }\n}\ng"
    plain = tkinter.Tcl()
    with pytest.raises(tkinter.TclError):
        plain.eval(script)
    with pytest.raises(TorchTclError) as info:
        tcl.eval(script)
    assert info.value.error_info == plain.eval("set ::errorInfo")
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


# --- issue 14: holders of an escaped name that once lost their handle ---------------------------
def test_case1_a_suspended_coroutines_local_survives():
    tcl = interp()
    tcl.eval("coroutine co apply {{} {set t [torch::randn {100000}]; puts $t; "
             "set t [string range x$t 1 end]; "
             "yield; torch::tensor_numel $t}}")
    tcl.eval("torch::collect")
    assert tcl.reclaimer.last == "nothing freed: a coroutine exists"
    assert tcl.eval("co") == "100000"


def test_case2_a_procs_local_survives_a_coroutine_resumed_inside_it():
    tcl = interp()
    tcl.eval("""coroutine gen apply {{} {
                    for {set i 0} {1} {incr i} { esc [torch::ones {1}]; yield }
                }}
                proc user {} {
                    set mine "[torch::randn {7}]"
                    for {set k 0} {$k < 5} {incr k} { gen }
                    torch::collect
                    gen
                    return [torch::tensor_numel $mine]
                }""")
    assert tcl.eval("user") == "7"
    tcl.eval("rename gen {}; torch::collect")
    assert len(tcl.store) == 0, "once the coroutine is gone, its escaped handles are collected"


@pytest.mark.parametrize("word", ['"x${t}y"', "w_$t", "${t}_g", "[list a $t]"])
def test_case3_names_inside_words(word):
    tcl = interp()
    tcl.eval(f"set t [torch::randn {{4}}]; set s {word}; unset t; "
             "for {set i 0} {$i < 10} {incr i} { esc [torch::ones {1}] }; torch::collect")
    name = tcl.eval("regexp -inline {tensor[0-9]+} $s")
    assert tcl.eval(f"torch::tensor_numel {name}") == "4"
    assert len(tcl.store) == 1


def test_case4_the_torchtcl_namespace_is_scanned():
    tcl = interp()
    tcl.eval("set ::torchtcl::mine [torch::randn {100}]; puts $::torchtcl::mine; "
             "set ::torchtcl::mine \"$::torchtcl::mine\"; torch::collect")
    assert tcl.eval("torch::tensor_numel $::torchtcl::mine") == "100"


HOLDERS = {
    "after script": ("after 100000 [list set got [txt $t]]", "after info [lindex [after info] 0]"),
    "proc default argument": ("proc p [list [list x [txt $t]]] { return $x }", "p"),
    "proc body": ("proc p {} \"return [txt $t]\"", "p"),
    "interp alias prefix": ("interp alias {} al {} list [txt $t]", "al"),
    "child interpreter variable": ("interp create kid; kid eval [list set v [txt $t]]",
                                   "kid eval {set v}"),
    "variable trace script": ("set watched 0; "
                              "trace add variable watched write [list set hit [txt $t]]",
                              "trace info variable watched"),
    "command trace script": ("proc q {} {}; trace add execution q enter [list set hit [txt $t]]",
                             "trace info execution q"),
    "namespace unknown handler": ("namespace eval ::n {}; namespace eval ::n "
                                  "[list namespace unknown [list list [txt $t]]]",
                                  "namespace eval ::n {namespace unknown}"),
    "TclOO method body": ("oo::class create C; oo::define C method m {} \"return [txt $t]\"",
                          "info class definition C m"),
    "chan event script": ("set ch [file tempfile]; chan event $ch writable [list set hit [txt $t]]",
                          "chan event $ch writable"),
}


@pytest.mark.parametrize("holder", list(HOLDERS))
def test_case5_holders_that_are_not_variables(holder):
    tcl = interp()
    hold, read = HOLDERS[holder]
    tcl.eval(f"set t [torch::randn {{6}}]; {hold}; unset t; torch::collect")
    assert tcl.reclaimer.last == "0 freed, 1 kept"
    name = tcl.eval(f"regexp -inline {{tensor[0-9]+}} [{read}]")
    assert tcl.eval(f"torch::tensor_numel {name}") == "6"


def test_case15_loop_bodies_run_exactly_as_tcl_runs_them():
    tcl = interp()
    assert tcl.eval('set out {}; foreach i {1 2} "lappend out a\\\\"; set out') == "a\\\\ a\\\\"
    assert tcl.eval('set n 0; while {$n < 3} "incr n ;# comment"; set n') == "3"


def test_case18_distinct_loop_bodies_leave_nothing_behind():
    tcl = interp()
    before = tcl.eval("llength [info vars ::torchtcl::*]")
    tcl.eval('for {set i 0} {$i < 20000} {incr i} { foreach x {1} "set y$i 1" }')
    assert tcl.eval("llength [info vars ::torchtcl::*]") == before
    assert tcl.eval("info commands ::torchtcl::hooked") == ""


def test_a_warning_once_escaped_tensors_hold_much_memory(monkeypatch):
    from torchtcl_kernel.core import handles
    monkeypatch.setattr(handles, "WARN_BYTES", 1 << 20)
    err = []
    tcl = TorchTcl(stdout=lambda s: None, stderr=err.append)
    tcl.eval("for {set i 0} {$i < 40} {incr i} { puts [torch::zeros {65536}] }")  # 256 kB each
    warnings = [w for w in err if "torch::collect" in w]
    assert len(warnings) == 4, err          # 10 MB in all: at 1, 2, 4 and 8 MB, once per doubling
    assert "keep 1 MB of tensors" in warnings[0] and "torch::free" in warnings[0]
    tcl.eval("torch::collect")
    assert len(tcl.store) == 0 and tcl.store.young_bytes == 0


# Random programs: variables, lists, nested loops, procs, coroutines, namespaces, and holders that
# are not variables, over handles whose names are copied into text; a collection after each
# statement. A freed live handle would make a final check fail.
EXPR = st.sampled_from(["[torch::ones {2}]", "[torch::tensor_add $a $b]", "[mk]",
                        "[torch::tensor_mul [torch::ones {2}] [mk]]", "[lindex $l end]",
                        "[esc [torch::ones {2}]]", "[esc [mk]]", "[torch::tensor_add [esc $a] $b]",
                        "[lindex [string trim $l] end]", "[string range x[esc $a]y 1 end-1]"])
HOLD = st.sampled_from([
    "set ::torchtcl::h($k) [txt [torch::ones {2}]]",
    "set ::ns::v$k w_[txt [torch::ones {2}]]_x",
    "after 100000 [list set ::gone [txt [torch::ones {2}]]]",
    "proc held$k [list [list x [txt [torch::ones {2}]]]] { return $x }",
    "proc body$k {} \"return [txt [torch::ones {2}]]\"",
    "interp alias {} alias$k {} list [txt [torch::ones {2}]]",
    "trace add variable ::watched write [list set ::hit [txt [torch::ones {2}]]]",
    "coroutine coro_$k apply {{v} {set v \"$v\"; yield; torch::tensor_shape $v}} "
    "[txt [torch::ones {2}]]",
])
STMT = st.recursive(
    st.one_of(
        st.builds(lambda v, e: f"set {v} {e}", st.sampled_from("abc"), EXPR),
        st.builds(lambda e: f"lappend l {e}; set l [lrange $l end-3 end]", EXPR),
        st.builds(lambda e: f"torch::tensor_sum {e}", EXPR),
        st.builds(lambda h: f"incr k; {h}", HOLD),
        st.just("set d [dict create k [list $a $b]]; set a [lindex [dict get $d k] 1]"),
        st.just("torch::collect"),
    ),
    lambda inner: st.one_of(
        st.builds(lambda body: f"for {{set i{len(body)} 0}} {{$i{len(body)} < 3}} "
                               f"{{incr i{len(body)}}} {{{'; '.join(body)}}}",
                  st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda body: f"foreach z {{1 2}} {{{'; '.join(body)}}}",
                  st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda body: f"call {{{'; '.join(body)}}}",
                  st.lists(inner, min_size=1, max_size=2)),
    ),
    max_leaves=8)


def _check_holders(tcl):
    """Every handle a holder names is alive."""
    texts = [tcl.eval("array get ::torchtcl::h"), tcl.eval("info vars ::ns::*")]
    texts += [tcl.eval(f"set {v}") for v in tcl.tk.splitlist(texts[1])]
    texts += [tcl.eval(f"after info {i}") for i in tcl.tk.splitlist(tcl.eval("after info"))]
    for p in tcl.tk.splitlist(tcl.eval("info procs held*")):
        texts.append(tcl.eval(f"info default {p} x d; set d"))
    texts += [tcl.eval(f"info body {p}") for p in tcl.tk.splitlist(tcl.eval("info procs body*"))]
    texts += [tcl.eval(f"interp alias {{}} {a}")
              for a in tcl.tk.splitlist(tcl.eval("interp aliases"))]
    texts.append(tcl.eval("trace info variable ::watched"))
    for text in texts:
        for name in tcl.tk.splitlist(tcl.eval(f"regexp -all -inline {{tensor[0-9]+}} {{{text}}}")):
            assert name in tcl.store, f"{name} held by {text!r} was freed"
    for co in tcl.tk.splitlist(tcl.eval("info commands coro_*")):
        assert tcl.eval(co) == "2"


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(STMT, min_size=1, max_size=5))
def test_random_programs_never_lose_a_live_handle(program):
    tcl = interp()
    tcl.eval("""set a [torch::ones {2}]; set b [torch::ones {2}]; set l [list $a]; set k 0
                namespace eval ::ns {}; set ::watched 0
                proc mk {} { foreach q {1 2} { esc [torch::ones {2}] }; return [torch::ones {2}] }
                proc call {body} { uplevel 1 $body }""")
    for statement in program:
        tcl.eval(statement)
        tcl.eval("torch::collect")
    for v in "ab":
        assert tcl.eval(f"torch::tensor_shape ${v}") == "2"
    for h in tcl.tk.splitlist(tcl.eval("set l")):
        assert tcl.eval(f"torch::tensor_shape {h}") == "2"
    _check_holders(tcl)
