"""Reclaiming escaped handles nothing can reach any more, without ever freeing a live one.

Most handles never need this: a handle whose name Tcl never turned into text lives exactly as long
as the Tcl values carrying it, and goes with the last of them (_tclbridge.c). Once a handle's name
exists as text (printed, put in a string, a dict key, returned to Python ...), copies of it may be
anywhere, and it is reclaimed here instead.

A handle is live while any variable holds it (any frame, any namespace, an array element, or
anywhere inside a list or dict value) or while it waits, already computed, as an argument word of a
command still being assembled: in `torch::tensor_add [torch::randn {3}] [f]` the randn handle is
held only by Tcl's evaluation stack while `f` runs. Tcl does not show that stack, so the safe
points are chosen where it cannot hold anything reclaimable:

* The end of an iteration of a `for`, `while`, `foreach` or `time` loop body. The loop commands
  are wrapped (the originals run via `tailcall`, in the caller's frame, so `return`, `break` and
  errors behave as before) and each body gets a cheap check appended. When the loop started, its
  start was recorded as a position in the sequence of created handles. At the end of an iteration
  every command of the body has completed, frames the body called have returned, and whatever is
  pending in enclosing frames or commands was created before the loop started. So a handle
  created after the loop started is live exactly when a variable holds it.
* The end of the outermost evaluation (a cell, a script, a call from Python): nothing is pending
  at all. Handles named in its result are pinned first: the caller may keep their names.

A collection reads every variable's value: handle values inside lists and dicts are recognised as
they are, and any text is searched for handle names. It frees the escaped handles in its range
(created since the loop started, or all at the end of an evaluation) that no value mentions.
Collections run once enough handles escaped since the last one (4000, or as many as survived) or
once the escaped tensors hold 256 kB, so their cost is spread thin.
"""

import re

from . import _tclbridge

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

LOOPS_TCL = r"""
namespace eval ::torchtcl {
    variable due 0
    variable hooked
    variable env_written 0
}
# Reading ::env costs a system call per element: it is read only once a script wrote to it.
trace add variable ::env write {::apply {args {set ::torchtcl::env_written 1}}}
rename ::for ::torchtcl::_for
rename ::while ::torchtcl::_while
rename ::foreach ::torchtcl::_foreach
rename ::time ::torchtcl::_time

proc ::torchtcl::hooked {body} {
    variable hooked
    if {![info exists hooked($body)]} {
        set hooked($body) "$body\n::if {\$::torchtcl::due} ::torchtcl::collect"
    }
    return $hooked($body)
}
proc ::for {args} {
    if {[llength $args] != 4} {
        return -code error {wrong # args: should be "for start test next command"}
    }
    ::torchtcl::loop_start
    tailcall ::torchtcl::_for {*}[lreplace $args 3 3 [::torchtcl::hooked [lindex $args 3]]]
}
proc ::while {args} {
    if {[llength $args] != 2} {
        return -code error {wrong # args: should be "while test command"}
    }
    ::torchtcl::loop_start
    tailcall ::torchtcl::_while [lindex $args 0] [::torchtcl::hooked [lindex $args 1]]
}
proc ::foreach {args} {
    if {[llength $args] < 3 || [llength $args] % 2 == 0} {
        return -code error \
            {wrong # args: should be "foreach varList list ?varList list ...? command"}
    }
    ::torchtcl::loop_start
    tailcall ::torchtcl::_foreach {*}[lreplace $args end end [::torchtcl::hooked [lindex $args end]]]
}
proc ::time {args} {
    if {[llength $args] < 1 || [llength $args] > 2} {
        return -code error {wrong # args: should be "time command ?count?"}
    }
    ::torchtcl::loop_start
    tailcall ::torchtcl::_time [::torchtcl::hooked [lindex $args 0]] {*}[lrange $args 1 end]
}

# Every variable value: procedure frames on the stack, then every namespace but ours.
proc ::torchtcl::live_values {} {
    set out {}
    set top [info level]
    ::torchtcl::_for {set l 1} {$l < $top} {incr l} {
        ::torchtcl::_foreach name [uplevel #$l {info locals}] {
            upvar #$l $name v
            if {[array exists v]} {lappend out [array get v]} elseif {[info exists v]} {lappend out $v}
        }
    }
    set spaces {::}
    ::torchtcl::_while {[llength $spaces]} {
        set ns [lindex $spaces end]
        set spaces [lreplace $spaces end end {*}[namespace children $ns]]
        if {$ns eq "::torchtcl"} continue
        ::torchtcl::_foreach name [info vars ${ns}::*] {
            if {$name eq "::env" && !$::torchtcl::env_written} continue
            upvar #0 $name v
            if {[array exists v]} {lappend out [array get v]} elseif {[info exists v]} {lappend out $v}
        }
    }
    return $out
}
"""


class Reclaimer:
    def __init__(self, interp):
        self.interp = interp
        self.tk = interp.tk
        self.address = interp.tk.interpaddr()
        self.store = interp.store
        self.loops = []          # (frame depth, handle sequence at the loop's start), innermost last
        self.collections = 0
        self.freed = 0
        self.tk.eval(LOOPS_TCL)
        interp.add_command("::torchtcl::loop_start", self.loop_start)
        interp.add_command("::torchtcl::collect", self.collect)
        self.store.on_due = self._due

    def _due(self):
        self.tk.call("set", "::torchtcl::due", 1)

    def _depth(self):
        return int(self.tk.eval("info frame"))

    def loop_start(self):
        depth = self._depth()
        while self.loops and self.loops[-1][0] >= depth:
            self.loops.pop()             # loops at this depth or deeper have ended
        self.loops.append((depth, self.store.seq))
        return ""

    def collect(self):
        """A safe point: the end of an iteration of the innermost running loop."""
        depth = self._depth()
        while self.loops and self.loops[-1][0] > depth:
            self.loops.pop()
        if self.loops and self.loops[-1][0] == depth:
            self._collect(self.loops[-1][1])
        return ""                        # else not a body we know the start of: no collection

    def evaluation_ended(self, result, outermost):
        """An evaluation returned `result` to Python. The handles it names are pinned (the caller
        may keep their names); after the outermost one nothing is pending any more, so every
        escaped handle is checked if a collection is due."""
        store = self.store
        store.drain()
        if result and store.handles:
            store.pin(_TOKEN.findall(result))
        if outermost:
            self.loops.clear()
            if store.everything_due:
                self._collect(0)

    def _collect(self, start):
        """Free the escaped handles created after sequence number `start` that no value holds."""
        store = self.store
        store.drain()
        self.tk.call("set", "::torchtcl::due", 0)
        candidates = [name for name, seq in store.young.items() if seq > start]
        if candidates:
            try:
                live = _tclbridge.live(self.address, "::torchtcl::live_values", store)
            except RuntimeError:
                return                   # the variables could not be read (a cancelled run): keep all
            dead = [name for name in candidates if name not in live]
            store.discard(dead)
            self.freed += len(dead)
        self.collections += 1
        store.collected(everything=not start)
