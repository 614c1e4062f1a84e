"""The handle store: names, kinds, errors, freeing, listing, and the Python side."""

import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from torchtcl_kernel import TorchTcl


def test_handle_name_patterns(tcl):
    assert tcl("torch::ones {2}").startswith("tensor")
    assert tcl("set l [torch::linear 2 3]") == "linear1"
    assert tcl("torch::sequential [list $l]") == "sequential1"
    assert tcl("torch::optimizer_sgd [torch::layer_parameters $l] 0.1") == "optimizer1"


def test_unknown_and_wrong_kind_handles(tcl):
    tcl("set l [torch::linear 2 3]; set opt [torch::optimizer_sgd [torch::layer_parameters $l]]")
    assert tcl.error("torch::tensor_dtype nosuch").message == "Invalid tensor name"
    # optimizer_step's own text for a bad handle (errata a')
    assert tcl.error("torch::optimizer_step nosuch").message == "Invalid optimizer handle"
    e = tcl.error("torch::optimizer_step $l")
    assert e.message == "Invalid optimizer handle (linear1 is a module, not an optimizer)"
    assert e.error_code.split()[:2] == ["TORCH", "WRONG_KIND"]
    assert tcl.error("torch::tensor_numel $opt").message == \
        "Invalid tensor name: optimizer1 (optimizer1 is an optimizer, not a tensor)"
    assert tcl.error("torch::layer_forward $opt [torch::ones {1 2}]").message.startswith(
        "Invalid layer name")


def test_free_is_for_good(tcl):
    tcl("set a [torch::ones {2}]; set b [torch::zeros {2}]")
    assert tcl("torch::free $a $b") == "2"
    assert tcl.error("torch::tensor_numel $a").message == f"Invalid tensor name: {tcl('set a')}"
    assert tcl.error("torch::free $a").message == f"Unknown handle: {tcl('set a')}"
    assert tcl("torch::ones {2}") not in (tcl("set a"), tcl("set b"))   # names are not reused
    assert tcl("torch::free") == "0"


def test_name_of_labels_objects_by_their_live_handle(tcl):
    """store.name_of (C), telemetry's label for a record's source."""
    store = tcl.interp.store
    tcl("set l [torch::linear 2 3]; list")          # (its name not shown: not escaped yet)
    handle = store.handles["linear1"]
    layer = handle.obj
    assert not handle.escaped
    assert store.name_of(layer) == "linear1"
    assert handle.escaped        # records show the name: it must not be reclaimed under them
    assert store.name_of(torch.nn.Linear(2, 3)) == "Linear"     # no handle: its type
    assert store.name_of(7) == "int"
    other = store.get(tcl("torch::optimizer_sgd [torch::layer_parameters $l] 0.1"), "optimizer")
    for _ in range(3):                               # (answers it remembers: the same)
        assert (store.name_of(layer), store.name_of(other)) == ("linear1", "optimizer1")
    again = tcl.interp.put(layer)                    # a second handle: the latest one's name
    assert again != "linear1" and store.name_of(layer) == again
    assert store.name_of(other) == "optimizer1"
    tcl(f"torch::free {again}")
    assert store.name_of(layer) == "Linear"          # freed: no live handle is named
    tcl("torch::free optimizer1")
    assert store.name_of(other) == "SGD"


def test_handles_lists_kind_shape_dtype_bytes(tcl):
    tcl("set a [torch::zeros {2 3} float64]; set l [torch::linear 4 5]")
    rows = [dict(zip(*[iter(tcl.interp.tk.splitlist(r))] * 2, strict=True))
            for r in tcl.interp.tk.splitlist(tcl("torch::handles"))]
    by_handle = {r["handle"]: r for r in rows}
    assert by_handle[tcl("set a")] == {"handle": tcl("set a"), "kind": "tensor", "shape": "2 3",
                                       "dtype": "Float64", "device": "cpu", "bytes": "48"}
    assert by_handle["linear1"]["kind"] == "module"
    assert by_handle["linear1"]["bytes"] == str((4 * 5 + 5) * 4)
    assert tcl("llength [torch::handles -kind module]") == "1"
    assert tcl.error("torch::handles -kind gadget").message.startswith('bad value "gadget"')


def test_python_side_shares_storage(tcl):
    x = torch.arange(6.0)
    h = tcl.interp.put(x)
    assert tcl(f"torch::tensor_shape {h}") == "6"
    assert tcl.interp.tensor(h) is x
    y = tcl.interp.tensor(tcl(f"torch::tensor_reshape {h} {{2 3}}"))
    assert y.data_ptr() == x.data_ptr()


def test_layer_parameters_are_the_live_parameters(tcl):
    tcl("set l [torch::linear 3 2]")
    params = [tcl.interp.tensor(h) for h in tcl.interp.tk.splitlist(
        tcl("torch::layer_parameters $l"))]
    module = tcl.interp.store.get("linear1", "module")
    assert all(p is q for p, q in zip(params, module.parameters(), strict=True))


def test_free_by_name_takes_a_list(tcl):
    tcl("set a [torch::ones {1}]; set b [torch::ones {1}]")
    assert tcl("torch::free -handle [list $a $b]") == "2"
    assert tcl.error("torch::tensor_numel $a").message.startswith("Invalid tensor name")


# --- names are never handed out twice (issue 14, case 17) ---------------------------------------
def test_put_prefix_ending_in_a_digit_is_not_a_later_tensor_name(tcl):
    x = torch.ones(2)
    name = tcl.interp.put(x, prefix="tensor1")
    later = {tcl(f"set t{i} [torch::zeros {{1}}]") for i in range(15)}
    assert name not in later
    assert tcl.interp.tensor(name) is x


def test_put_prefix_of_another_kind_shares_its_counter(tcl):
    x = torch.ones(2)
    as_linear = tcl.interp.put(x, prefix="linear")
    as_tensor = tcl.interp.put(torch.nn.ReLU(), prefix="tensor")
    made = {tcl(f"set l{i} [torch::linear 1 1]") for i in range(3)} | \
        {tcl(f"set z{i} [torch::zeros {{1}}]") for i in range(3)}
    assert not made & {as_linear, as_tensor}
    assert tcl.interp.tensor(as_linear) is x
    assert tcl.interp.store.kind_of(as_tensor) == "module"


@pytest.mark.parametrize("prefix", ["", "1x", "a b", "tëst", "x-y", "{x}", 7])
def test_put_rejects_prefixes_that_are_not_words(tcl, prefix):
    if prefix == "":                     # no prefix: the kind's own
        assert tcl.interp.put(torch.ones(1), prefix=prefix).startswith("tensor")
        return
    with pytest.raises(ValueError):
        tcl.interp.put(torch.ones(1), prefix=prefix)


_NAMING = TorchTcl(stdout=lambda s: None, stderr=lambda s: None)
_SEEN = {}                               # every name handed out by _NAMING -> its object

PREFIXES = st.one_of(
    st.sampled_from(["tensor", "tensor1", "tensor12", "tensor_", "tensor1_", "linear", "linear1",
                     "optimizer", "optimizer1", "sequential", "scheduler", "t", "_", "x9"]),
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True))
STEPS = st.lists(st.one_of(
    st.tuples(st.just("put"), PREFIXES, st.sampled_from(["tensor", "module"])),
    st.tuples(st.just("eval"), st.sampled_from([
        "torch::zeros {1}", "torch::linear 1 1", "torch::sequential [list [torch::linear 1 1]]",
        "torch::optimizer_sgd [torch::layer_parameters [torch::linear 1 1]] 0.1",
        "torch::tensor_add [torch::ones {1}] [torch::ones {1}]"]), st.none())),
    min_size=1, max_size=12)


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(STEPS)
def test_no_name_is_ever_handed_out_twice(steps):
    """Random prefixes from Python interleaved with commands: every name is new, and every name
    handed out earlier still means the object it was handed out for (or nothing, once freed)."""
    tcl, store = _NAMING, _NAMING.store
    for what, arg, kind in steps:
        if what == "put":
            obj = torch.zeros(1) if kind == "tensor" else torch.nn.Identity()
            name = tcl.put(obj, prefix=arg)
        else:
            name = tcl.eval(f"lappend ::kept [{arg}]; lindex $::kept end")
            obj = store.handles[name].obj
        assert name not in _SEEN, f"{name} handed out twice"
        _SEEN[name] = obj
    for name, obj in _SEEN.items():
        handle = store.handles.get(name)
        assert handle is None or handle.obj is obj, f"{name} now means another object"
