"""An interpreter's life: `close()` (and `with TorchTcl() as tcl:`) frees it and every tensor it
holds (issue 14, case 20)."""

import ctypes
import gc
import os
import subprocess
import sys
import weakref

import pytest
import torch

from torchtcl_kernel import TorchTcl, TorchTclError
from torchtcl_kernel.core.handles import HandleStore


def _quiet():
    return TorchTcl(stdout=lambda s: None, stderr=lambda s: None)


def _fill(tcl):
    """Handles held every way a script holds them; weak references to the interpreter and the
    tensors."""
    tcl.eval("""
        set t [torch::zeros {1000}]
        puts "escaped: [torch::ones {1000}]"
        set ::keep [list [torch::linear 4 4] [torch::randn {10}]]
        rename torch::zeros ::my_zeros
        rename torch::ones ::my_ones
        interp hide {} my_ones
        proc uses {} { return [my_zeros {3}] }
        set u [uses]
    """)
    put = tcl.put(torch.ones(7))
    tensors = [tcl.tensor(tcl.eval("set t")), tcl.tensor(tcl.eval("set u")), tcl.tensor(put),
               tcl.tensor(tcl.eval("lindex $::keep 1"))]
    return weakref.ref(tcl), [weakref.ref(x) for x in tensors]


def test_close_frees_the_interpreter_and_its_tensors():
    tcl = _quiet()
    interp, tensors = _fill(tcl)
    tcl.close()
    assert all(t() is None for t in tensors)          # at once, not at some collection
    del tcl
    gc.collect()
    assert interp() is None


def test_with_block_closes():
    with _quiet() as tcl:
        interp, tensors = _fill(tcl)
        assert tcl.eval("torch::tensor_numel $t") == "1000"
    assert tcl.closed
    assert all(t() is None for t in tensors)
    del tcl
    gc.collect()
    assert interp() is None


def test_after_close_eval_put_tensor_fail_clearly():
    tcl = _quiet()
    name = tcl.eval("set t [torch::zeros {2}]")
    tcl.close()
    tcl.close()                                        # again: nothing to do
    for call in (lambda: tcl.eval("set x 1"), lambda: tcl.put(torch.ones(1)),
                 lambda: tcl.tensor(name)):
        with pytest.raises(TorchTclError) as info:
            call()
        assert "closed" in info.value.message
        assert info.value.error_code == "TORCHTCL CLOSED"


def test_close_from_inside_an_evaluation_is_refused():
    tcl = _quiet()
    tcl.add_command("::shut", tcl.close)
    with pytest.raises(TorchTclError) as info:
        tcl.eval("shut")
    assert "while it evaluates" in info.value.message
    assert tcl.eval("torch::tensor_numel [torch::ones {3}]") == "3"
    tcl.close()


def test_frontend_commands_go_with_the_interpreter():
    class Frontend:                      # what the kernel does: it holds the interpreter
        def __init__(self):
            self.tcl = _quiet()
            self.tcl.add_command("::hello", self.hello)
            self.tcl.add_command("::shout", lambda text: text.upper())

        def hello(self):
            return "hi"

    front = Frontend()
    assert front.tcl.eval("hello; shout x") == "X"
    interp, frontend = weakref.ref(front.tcl), weakref.ref(front)
    front.tcl.close()
    del front
    gc.collect()
    assert interp() is None and frontend() is None


def test_an_interpreter_dropped_without_close_is_collected():
    tcl = _quiet()
    interp, tensors = _fill(tcl)
    del tcl
    gc.collect()
    assert interp() is None
    HandleStore().drain()
    assert all(t() is None for t in tensors)


def _rss_mb():
    gc.collect()
    try:                                 # give the C heap's free memory back first (glibc)
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _four_megabytes_closed():
    tcl = _quiet()
    tcl.eval("set t [torch::zeros {1048576}]; puts $t")     # 4 MB, escaped too
    refs = weakref.ref(tcl), weakref.ref(tcl.tensor(tcl.eval("set t")))
    tcl.close()
    return refs


@pytest.mark.slow  # over ~3 s
def test_twenty_closed_interpreters_holding_4_mb_each_do_not_grow_memory():
    for _ in range(10):                  # the allocators' own first growth
        _four_megabytes_closed()
        gc.collect()
    before = _rss_mb()
    refs = []
    for _ in range(20):
        refs += _four_megabytes_closed()
        gc.collect()
    grown = _rss_mb() - before
    assert not [r for r in refs if r() is not None]
    # Kept, they would hold 80 MB and more; freed, what remains is the allocators' slack.
    assert grown < 16, f"RSS grew {grown:.1f} MB over 20 closed interpreters"


def test_an_interpreter_collected_in_another_thread_does_not_abort_the_process():
    """Tcl aborts when an interpreter is deleted outside its thread; Python's collector may run
    in any thread (a jupyter_client channel's, say)."""
    script = """
import gc, threading
from torchtcl_kernel import TorchTcl
t = TorchTcl(); t.eval("set x [torch::ones {1000}]")
gc.disable()
del t
th = threading.Thread(target=gc.collect); th.start(); th.join()
print(TorchTcl().eval("expr 1+1"))
"""
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert (r.returncode, r.stdout) == (0, "2\n"), r.stderr
