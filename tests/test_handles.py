"""The handle store: names, kinds, errors, freeing, listing, and the Python side."""

import torch


def test_handle_name_patterns(tcl):
    assert tcl("torch::ones {2}").startswith("tensor")
    assert tcl("set l [torch::linear 2 3]") == "linear1"
    assert tcl("torch::sequential [list $l]") == "sequential1"
    assert tcl("torch::optimizer_sgd [torch::layer_parameters $l] 0.1") == "optimizer1"


def test_unknown_and_wrong_kind_handles(tcl):
    tcl("set l [torch::linear 2 3]; set opt [torch::optimizer_sgd [torch::layer_parameters $l]]")
    assert tcl.error("torch::tensor_dtype nosuch").message == "Invalid tensor name"
    assert tcl.error("torch::optimizer_step nosuch").message == "Optimizer not found"
    e = tcl.error("torch::optimizer_step $l")
    assert e.message == "Optimizer not found: linear1 is a module, not an optimizer"
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


def test_handles_lists_kind_shape_dtype_bytes(tcl):
    tcl("set a [torch::zeros {2 3} float64]; set l [torch::linear 4 5]")
    rows = [dict(zip(*[iter(tcl.interp.tk.splitlist(r))] * 2))
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
    assert all(p is q for p, q in zip(params, module.parameters()))


def test_free_by_name_takes_a_list(tcl):
    tcl("set a [torch::ones {1}]; set b [torch::ones {1}]")
    assert tcl("torch::free -handle [list $a $b]") == "2"
    assert tcl.error("torch::tensor_numel $a").message.startswith("Invalid tensor name")
