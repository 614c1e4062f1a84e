"""Reclaiming the handles nothing can reach any more, inside long loops, without ever freeing a
live one.

A handle is live while any variable holds it (any frame, any namespace, an array element, or
anywhere inside a list or dict value) or while it waits, already computed, as an argument word of a
command still being assembled: in `torch::tensor_add [torch::randn {3}] [f]` the randn handle is
held only by Tcl's evaluation stack while `f` runs. Tcl does not show that stack, so the safe
points are chosen where it cannot hold anything reclaimable:

* A safe point is the end of an iteration of a `for`, `while`, `foreach` or `time` loop body. The
  loop commands are wrapped (the originals run via `tailcall`, in the caller's frame, so `return`,
  `break` and errors behave as before) and each body gets a cheap check appended.
* When the loop started, its start was recorded as a position in the sequence of created handles.
  At the end of an iteration every command of the body has completed, frames the body called have
  returned, and whatever was pending in enclosing frames or enclosing commands was created before
  the loop started. So a handle created after the loop started is live exactly when a variable
  holds it.
* A collection then reads every variable's value, collects the words that look like handle names,
  and frees the handles created since the loop started that none of them mention.

Handles created outside loops (typed interactively, a cell's result) and handles put from Python
are never reclaimed; `torch::free` still releases any handle. Collections run once enough handles
were created since the last one (4000, or twice the number that survived) or once the tensors
created since then hold 256 kB, so their cost is spread thin while dead activations do not pile up
(kept, they slow a training loop down: the allocator cannot reuse their memory).
"""

import re

_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

LOOPS_TCL = r"""
namespace eval ::torchtcl {
    variable due 0
    variable hooked
}
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
        handle still young is checked if a collection is due."""
        young = self.store.young
        if young and result:
            self.store.pin([name for name in _TOKEN.findall(result) if name in young])
        if outermost:
            self.loops.clear()
            if self.store.everything_due:
                self._collect(0)

    def _collect(self, start):
        """Free the handles created after sequence number `start` that no variable mentions."""
        self.tk.call("set", "::torchtcl::due", 0)
        candidates = []
        for name, seq in reversed(self.store.young.items()):
            if seq <= start:
                break
            candidates.append(name)
        if candidates:
            live = set(_TOKEN.findall(self.tk.eval("::torchtcl::live_values")))
            dead = [name for name in candidates if name not in live]
            self.store.discard(dead)
            self.freed += len(dead)
        self.collections += 1
        self.store.collected(everything=not start)
