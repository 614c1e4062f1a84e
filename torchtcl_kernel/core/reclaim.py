"""Escaped handles: kept until `torch::free`, or until an explicit `torch::collect` finds no
holder; a warning when what they keep grows large.

Most handles never need this: a handle whose name Tcl never turned into text lives exactly as long
as the Tcl values carrying it, and goes with the last of them (_tclbridge.c). That is exact: Tcl
counts every reference to a value, wherever it is (a variable, a list, a pending argument word, a
suspended coroutine's frame, a C extension).

Once a handle's name exists as text (printed, put in a string, a dict key, returned to Python ...),
copies of it may be anywhere, and some holders of text cannot be seen from a script or from C: the
words of a command still being put together, a suspended coroutine's locals, text a C extension
or a channel buffer keeps. No automatic scan can prove such a handle unreachable, so none is freed
behind the user's back. They are counted instead, and past handles.WARN_BYTES (or WARN_COUNT
handles) of them the interpreter says so, once per doubling.

`torch::collect` is the explicit way out. It runs when the outermost evaluation ends, when no
command is pending, and frees the escaped handles that no Tcl value of theirs still carries and
whose name appears in none of: any namespace's variables (array elements, ::torchtcl included),
variable and command traces, procedure bodies and default arguments, TclOO method bodies,
`after` scripts, aliases, channel event scripts, namespace unknown handlers, and the same in every
child interpreter. It frees nothing while a coroutine exists (its locals cannot be read), and
never frees a handle whose name went to Python (an evaluation's result, `TorchTcl.put`).
docs/memory.md states the limits.
"""

import weakref

from . import _tclbridge

# Every value in which a handle name could be held, as a list; "" when a coroutine exists (its
# frame cannot be read: nothing may be freed). Runs as a lambda so that child interpreters, which
# have none of our procedures, can run it too (it calls itself on them).
HELD = r"""self {
    set out {}
    set spaces {::}
    while {[llength $spaces]} {
        set ns [lindex $spaces end]
        set spaces [lreplace $spaces end end {*}[namespace children $ns]]
        lappend out [namespace eval $ns {::namespace unknown}]
        foreach name [info vars ${ns}::*] {
            if {$name eq "::env" && !([info exists ::torchtcl::env_written]
                                      && $::torchtcl::env_written)} continue
            lappend out [trace info variable $name]
            upvar #0 $name v
            if {[array exists v]} {
                lappend out [array get v]
            } elseif {[info exists v]} {
                lappend out $v
            }
        }
        foreach p [info procs ${ns}::*] {
            lappend out [info body $p]
            foreach a [info args $p] {
                if {[info default $p $a d]} {lappend out $d}
            }
        }
        foreach c [info commands ${ns}::*] {
            if {![catch {::tcl::unsupported::corotype $c}]} {return -code error coroutine}
            lappend out [trace info command $c] [trace info execution $c]
        }
    }
    foreach id [after info] {catch {lappend out [after info $id]}}
    foreach a [interp aliases {}] {lappend out [interp alias {} $a]}
    foreach ch [chan names] {
        catch {lappend out [chan event $ch readable] [chan event $ch writable]}
    }
    foreach cls [info class instances ::oo::class] {
        catch {lappend out [info class constructor $cls] [info class destructor $cls]}
        foreach m [info class methods $cls -private] {
            catch {lappend out [info class definition $cls $m]}
            catch {lappend out [info class forward $cls $m]}
        }
        foreach obj [info class instances $cls] {
            foreach m [info object methods $obj -private] {
                catch {lappend out [info object definition $obj $m]}
                catch {lappend out [info object forward $obj $m]}
            }
        }
    }
    foreach child [interp slaves {}] {
        lappend out [interp eval $child [list ::apply $self $self]]
    }
    return $out
}"""

SETUP_TCL = r"""
namespace eval ::torchtcl { variable env_written 0 }
# Reading ::env costs a system call per element: it is read only once a script wrote to it.
trace add variable ::env write {::apply {args {set ::torchtcl::env_written 1}}}
"""


class Reclaimer:
    def __init__(self, interp):
        self.interp = interp
        self.tk = interp.tk
        self.address = interp.tk.interpaddr()
        self.store = interp.store
        self.requested = False
        self.collections = 0
        self.freed = 0
        self.last = ""           # what the last collection did, in a sentence
        self.tk.eval(SETUP_TCL)
        # weakly: the store is held by every command (C side), and must not keep the
        # interpreter alive once a caller drops it
        me = weakref.ref(self)

        def on_pressure(count, nbytes):
            reclaimer = me()
            if reclaimer is not None:
                reclaimer._warn(count, nbytes)
        self.store.on_pressure = on_pressure

    def request(self):
        """torch::collect: collect once the outermost evaluation has ended."""
        self.requested = True

    def _warn(self, count, nbytes):
        self.interp.write_stderr(
            f"torchtcl: {count} handles whose names were used as text keep "
            f"{nbytes / 2**20:.0f} MB of tensors (and their autograd graphs). They are kept "
            "until torch::free; torch::collect frees those nothing holds any more "
            "(docs/memory.md).\n")

    def evaluation_ended(self, result, outermost):
        """An evaluation returned `result` to Python. The handles it names are pinned (the caller
        may keep their names); after the outermost one nothing is pending any more, so a
        requested collection runs."""
        store = self.store
        store.drain()
        if result and store.handles:
            store.pin(_tclbridge.names_in(result, store))
        if outermost and self.requested:
            self.requested = False
            self.collect()

    def collect(self):
        """Free the escaped handles no Tcl value carries and no text holds (see the module's
        docstring). Only when no evaluation is running."""
        store = self.store
        store.drain()
        handles = store.handles
        candidates = [name for name in store.young if handles[name].tcl_refs == 0]
        self.collections += 1
        if not candidates:
            self.last = "nothing to collect"
            return
        script = f"::apply {{{HELD}}} {{{HELD}}}"
        try:
            live = _tclbridge.live(self.address, script, store, _prefixes(store))
        except RuntimeError as e:
            # a coroutine exists, or the holders could not all be read: keep everything
            self.last = ("nothing freed: a coroutine exists" if "coroutine" in str(e) else
                         f"nothing freed: the holders could not be read ({e})")
            return
        dead = [name for name in candidates if name not in live]
        store.discard(dead)
        self.freed += len(dead)
        self.last = f"{len(dead)} freed, {len(store.young)} kept"


def _prefixes(store):
    """The stems of the store's handle names (a name is a stem and a number; handles.py)."""
    return {name.rstrip("0123456789") for name in store.handles}
