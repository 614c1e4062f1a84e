"""torch::log_scalar: a number, or a one-element tensor recorded at its exact value (not the six
decimals tensor_item prints), in the records and in the export."""

import json

import torch


def logged(tcl, name):
    return [(r.step, r.value) for r in tcl.interp.telemetry.records
            if r.kind == "scalar" and r.key == name]


def test_a_tensor_is_logged_at_its_exact_value(tcl, tmp_path):
    exact = float(torch.tensor(1.5e-7).item())        # float32 1.5e-7, read as a double
    assert exact != 1.5e-7 and f"{exact:f}" == "0.000000", "what %f text would have lost"
    tcl("set t [torch::tensor_create {1.5e-7}]")
    assert tcl("torch::log_scalar tiny $t") == "1"
    assert tcl("torch::log_scalar tiny [torch::tensor_reshape $t {}] 7") == "7"   # 0-d too
    assert logged(tcl, "tiny") == [(1, exact), (7, exact)]
    tcl(f"torch::telemetry_export {tmp_path / 'records.json'}")
    rows = json.loads((tmp_path / "records.json").read_text())
    assert [(r["step"], r["value"]) for r in rows if r["key"] == "tiny"] == [(1, exact), (7, exact)]


def test_a_loss_from_training_is_logged_as_computed(tcl):
    tcl("""set w [torch::tensor_create {0.1 -0.7 0.3} -requiresGrad true]
           set loss [torch::tensor_sum [torch::tensor_mul $w $w]]
           torch::log_scalar loss $loss""")
    loss = tcl.interp.store.get(tcl("set loss"), "tensor")
    assert logged(tcl, "loss") == [(1, float(loss.item()))]


def test_numbers_still_work(tcl):
    assert tcl("torch::log_scalar acc 0.25") == "1"
    assert tcl("torch::log_scalar acc 3 10") == "10"
    assert tcl("torch::log_scalar acc 1e-300") == "2"
    assert logged(tcl, "acc") == [(1, 0.25), (10, 3.0), (2, 1e-300)]


def test_a_tensor_that_is_not_one_real_number_is_an_error(tcl):
    tcl("set v [torch::tensor_create {1.0 2.0 3.0}]")
    assert tcl.error("torch::log_scalar loss $v").message == \
        "log_scalar loss: the value must be a number or a one-element real tensor, got a " \
        "tensor of 3 elements"
    tcl("set e [torch::tensor_create {}]")
    assert tcl.error("torch::log_scalar loss $e").message.endswith("got a tensor of 0 elements")
    tcl.interp.tk.call("set", "c", tcl.interp.put(torch.tensor([1 + 2j])))
    assert tcl.error("torch::log_scalar loss $c").message.endswith("got a complex tensor")
    assert "loss" not in {r.key for r in tcl.interp.telemetry.records}, "nothing recorded"
    assert tcl.error("torch::log_scalar loss nosuch").message == \
        "log_scalar: the value must be a number or a tensor handle, got nosuch"
