"""The cheap getters the C bridge serves itself (registry.Read): in every state a value can be
in, `torch::getter $handle` (served where the value is plain) says exactly what the named form
`torch::getter -option $handle` says (which always runs the command's Python function), and
what PyTorch says."""

import warnings

import pytest
import torch
from conftest import python_calls

from torchtcl_kernel.commands import amp, tensors
from torchtcl_kernel.core.registry import REGISTRY, Read

GETTERS = {  # command: its named option
    "grad_scaler_get_scale": "-scaler", "get_lr": "-optimizer", "get_lr_advanced": "-scheduler",
    "tensor_numel": "-tensor", "tensor_shape": "-tensor", "tensor_dtype": "-input"}


def same(tcl, command, handle, served=True):
    """The positional answer, checked against the named form's; and whether the bridge served
    it without the Python function (`served`), or declined to (`served=False`)."""
    with python_calls(REGISTRY[command].func) as calls:
        answer = tcl(f"torch::{command} {handle}")
    assert answer == tcl(f"torch::{command} {GETTERS[command]} {handle}")
    assert (not calls) == served, f"{command} {handle}: served {not calls}, expected {served}"
    return answer


def test_every_getter_declares_its_reads():
    for name in GETTERS:
        assert REGISTRY[name].reads, name


def test_a_read_path_parses_into_steps():
    assert Read.steps(".a.b()[0]['k']") == ((0, "a"), (1, "b"), (2, 0), (2, "k"))
    assert Read(".x", float, memo=".t").compiled() == ((), ((0, "x"),), 0, ((0, "t"),))
    for bad in ("a", ".a[", ".a()()x", "['k"):
        with pytest.raises(ValueError):
            Read.steps(bad)


def test_scale_in_every_state_of_a_scaler(tcl):
    tcl("set w [torch::tensor_create {1.0 2.0} -requiresGrad 1]; "
        "set opt [torch::optimizer_sgd [list $w] 0.1]; set s [torch::grad_scaler_new]")
    scaler = tcl.interp.store.get(tcl("set s"), "scaler").torch
    assert scaler._scale is None
    assert same(tcl, "grad_scaler_get_scale", "$s") == "65536.0"           # before any use
    step = ("torch::optimizer_zero_grad $opt; torch::tensor_backward [torch::grad_scaler_scale "
            "$s [torch::tensor_sum [torch::tensor_mul $w {}]]]; torch::grad_scaler_step $s $opt; "
            "torch::grad_scaler_update $s")
    tcl(step.format(1.0))
    assert same(tcl, "grad_scaler_get_scale", "$s") == "65536.0"
    assert same(tcl, "grad_scaler_get_scale", "$s") == "65536.0"           # the memo
    tcl(step.format("inf"))                       # an inf backs the scale off, in place
    assert same(tcl, "grad_scaler_get_scale", "$s") == repr(scaler.get_scale()) == "32768.0"
    tcl("torch::grad_scaler_update $s -newScale 3.0")
    assert same(tcl, "grad_scaler_get_scale", "$s") == "3.0"
    state = scaler.state_dict()
    tcl("torch::grad_scaler_update $s -newScale 5.0")
    scaler.load_state_dict(state)                 # fill_ into the same tensor
    assert same(tcl, "grad_scaler_get_scale", "$s") == "3.0"
    with torch.no_grad():
        scaler._scale.mul_(2)                     # any in-place change, from anywhere
    assert same(tcl, "grad_scaler_get_scale", "$s") == "6.0"
    tcl("set off [torch::grad_scaler_new -enabled 0]")
    assert same(tcl, "grad_scaler_get_scale", "$off", served=False) == "1.0"
    # two scalers in turn: each answers its own
    tcl("set s2 [torch::grad_scaler_new 8.0]")
    for _ in range(2):
        assert same(tcl, "grad_scaler_get_scale", "$s2") == "8.0"
        assert same(tcl, "grad_scaler_get_scale", "$s") == "6.0"


def test_learning_rates_of_every_type(tcl):
    tcl("set w [torch::tensor_create {1.0 2.0} -requiresGrad 1]; "
        "set opt [torch::optimizer_sgd [list $w] 0.1]; set sch [torch::lr_scheduler_step $opt 1]")
    optimizer = tcl.interp.store.get(tcl("set opt"), "optimizer")
    assert same(tcl, "get_lr", "$opt") == same(tcl, "get_lr_advanced", "$sch") == "0.1"
    tcl("torch::lr_scheduler_step_update $sch")
    assert same(tcl, "get_lr", "$opt") == same(tcl, "get_lr_advanced", "$sch") == \
        repr(optimizer.param_groups[0]["lr"])
    optimizer.param_groups[0]["lr"] = 2               # an int: the function says 2.0
    assert same(tcl, "get_lr", "$opt", served=False) == "2.0"
    assert same(tcl, "get_lr_advanced", "$sch", served=False) == "2.0"
    optimizer.param_groups[0]["lr"] = torch.tensor(0.25)     # a tensor LR (capturable optimizers)
    assert same(tcl, "get_lr", "$opt", served=False) == "0.25"
    optimizer.param_groups[0]["lr"] = -0.0
    assert same(tcl, "get_lr", "$opt") == "-0.0"
    optimizer.param_groups[0]["lr"] = 1e-08
    assert same(tcl, "get_lr", "$opt") == "1e-08"
    optimizer.param_groups[0]["lr"] = 1 / 3         # a double's text follows tcl_precision
    assert same(tcl, "get_lr", "$opt") == repr(1 / 3)
    try:
        tcl("set ::tcl_precision 6")
        assert same(tcl, "get_lr", "$opt") == "0.333333"
    finally:
        tcl("set ::tcl_precision 0")
    optimizer.param_groups.clear()                  # no group: the function's error, unchanged
    assert tcl.error("torch::get_lr $opt").args[0] == \
        tcl.error("torch::get_lr -optimizer $opt").args[0]


TENSORS = {
    "0-d": lambda: torch.tensor(3.5),
    "empty": lambda: torch.zeros(0, 4),
    "many dims": lambda: torch.zeros(*[1] * 9, 2),
    "parameter": lambda: torch.nn.Parameter(torch.ones(2, 3)),
    "sparse": lambda: torch.eye(3).to_sparse(),
    "view": lambda: torch.arange(12.0).view(3, 4).t(),
    "complex": lambda: torch.zeros(2, dtype=torch.complex64),
}


@pytest.mark.parametrize("kind", TENSORS)
def test_tensor_facts_of_every_kind(tcl, kind):
    t = TENSORS[kind]()
    tcl.interp.tk.call("set", "t", tcl.interp.put(t))
    assert same(tcl, "tensor_numel", "$t") == str(t.numel())
    assert same(tcl, "tensor_shape", "$t") == " ".join(map(str, t.shape))
    assert same(tcl, "tensor_dtype", "$t") == tensors.dtype_label(t.dtype)


def test_every_dtype_has_its_label(tcl):
    for dtype in tensors.DTYPE_LABELS:
        try:
            with warnings.catch_warnings():           # (complex32 is "experimental")
                warnings.simplefilter("ignore")
                t = torch.empty(1, dtype=dtype)
        except (RuntimeError, TypeError):
            continue                                  # dtypes with no CPU tensors
        tcl.interp.tk.call("set", "t", tcl.interp.put(t))
        assert same(tcl, "tensor_dtype", "$t") == tensors.dtype_label(dtype)


def test_a_tensor_changed_in_place_reports_its_new_shape(tcl):
    t = torch.zeros(3)
    tcl.interp.tk.call("set", "t", tcl.interp.put(t))
    assert same(tcl, "tensor_shape", "$t") == "3"
    t.resize_(2, 5)
    assert same(tcl, "tensor_shape", "$t") == "2 5"
    assert same(tcl, "tensor_numel", "$t") == "10"
    t.data = torch.zeros(7, dtype=torch.float64)      # not even a version bump
    assert same(tcl, "tensor_shape", "$t") == "7"
    assert same(tcl, "tensor_dtype", "$t") == "Float64"


def test_a_class_changed_after_a_read_is_read_anew(tcl):
    """The bridge calls the C getter it found for a type and attribute again while the type is
    unchanged (_tclbridge.c, get_attr): a change to the class, or to one of its bases, must end
    that, and the answer must follow the class as Python's lookup does."""

    class Base(torch.Tensor):
        pass

    class Child(Base):
        pass

    plain, child = torch.zeros(3), torch.zeros(2).as_subclass(Child)
    tcl.interp.tk.call("set", "t", tcl.interp.put(plain))
    tcl.interp.tk.call("set", "c", tcl.interp.put(child))
    for _ in range(2):                              # (the second time from what the first found)
        assert same(tcl, "tensor_shape", "$t") == "3" and same(tcl, "tensor_shape", "$c") == "2"
        assert same(tcl, "tensor_dtype", "$c") == "Float32"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(torch.Tensor, "shape", property(lambda self: (9, 9)), raising=False)
        assert same(tcl, "tensor_shape", "$t") == same(tcl, "tensor_shape", "$c") == "9 9"
    assert same(tcl, "tensor_shape", "$t") == "3" and same(tcl, "tensor_shape", "$c") == "2"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Base, "dtype", torch.float64, raising=False)     # a base of the type
        assert same(tcl, "tensor_dtype", "$c") == "Float64"
        assert same(tcl, "tensor_dtype", "$t") == "Float32"
    assert same(tcl, "tensor_dtype", "$c") == "Float32"


def test_wrong_handles_fail_as_before(tcl):
    tcl("set w [torch::tensor_create {1.0 2.0} -requiresGrad 1]; "
        "set opt [torch::optimizer_sgd [list $w] 0.1]; set s [torch::grad_scaler_new]")
    for command, named in GETTERS.items():
        for word in ("$opt" if command != "get_lr" else "$s", "nosuch", "{}", "1.5"):
            positional = tcl.error(f"torch::{command} {word}").args[0]
            assert positional == tcl.error(f"torch::{command} {named} {word}").args[0]
    assert "not an optimizer" in tcl.error("torch::get_lr $w").args[0]
    # the interpreter and its handles carry on
    assert tcl("torch::get_lr $opt") == "0.1"


def test_a_renamed_getter_and_a_freed_handle(tcl):
    tcl("set t [torch::zeros {2 2}]; rename torch::tensor_numel numel")
    assert tcl("numel $t") == "4"
    tcl("torch::free $t")
    assert "Invalid tensor name" in tcl.error("numel $t").args[0]


def test_reads_need_one_handle_parameter():
    family = amp.amp
    for reads, params in (([Read(".x", float)], (amp.SCALER_P, amp.OPTIMIZER_P)),
                          ([Read(".x", float, memo=".a"), Read(".y", float, memo=".b")],
                           (amp.SCALER_P,))):
        with pytest.raises(ValueError):
            family.command("test_only_bad_reads", *params, reads=reads)(lambda scaler: 0)
        assert "test_only_bad_reads" not in REGISTRY
