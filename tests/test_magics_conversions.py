"""Python values handed to Tcl (`%%tcl -i`, TorchTcl.setvar): each kind of value and what Tcl
gets, and a one-line error naming the variable and type of what does not convert (issue 16)."""

import enum

import numpy as np
import pytest
import test_exit_and_magics
import torch
from test_exit_and_magics import _one_line_error, run

from torchtcl_kernel import TorchTclError

pytestmark = pytest.mark.slow   # starts real processes (kernels, CLIs): `make test-fast` skips it

python_kernel = test_exit_and_magics.python_kernel   # a python3 kernel with the magics loaded


@pytest.fixture
def interp(tcl):
    return tcl.interp


class Colour(enum.IntEnum):
    RED = 2


@pytest.mark.parametrize("value, tcl_check, expected", [
    (True, "set v", "1"),
    (False, "set v", "0"),
    (7, "expr {$v * 6}", "42"),
    (10**30, "set v", "1000000000000000000000000000000"),
    (2.5, "expr {$v * 2}", "5.0"),
    (Colour.RED, "set v", "2"),                       # an int subclass is its number
    (np.float32(1.5), "set v", "1.5"),                # numpy scalars are numbers
    (np.int64(-3), "set v", "-3"),
    (np.bool_(True), "set v", "1"),
    ("a {b", "string length $v", "4"),                # text, quoting and all
    ("", "string length $v", "0"),
    ([1, "x y", [2, [3, 4]]], "lindex $v 2 1 1", "4"),  # lists nest
    ((1, 2.5, False), "set v", "1 2.5 0"),
    ([], "llength $v", "0"),
    ({"a": 1, "b": {"c": [1, True]}}, "dict get $v b c", "1 1"),  # dicts nest, values converted
    ({1: "one", 2.5: "x", False: "f"}, "dict keys $v", "1 2.5 0"),   # keys are text
    ({"k": (1, 2)}, "llength [dict get $v k]", "2"),
])
def test_plain_values(interp, value, tcl_check, expected):
    interp.setvar("v", value)
    assert interp.eval(tcl_check) == expected


def test_a_dict_is_a_tcl_dict(interp):
    interp.setvar("d", {"lr": 0.1, "name": "run 1", "sizes": [2, 3]})
    assert interp.eval("dict get $d name") == "run 1"
    assert interp.eval("dict size $d") == "3"
    assert interp.eval("lindex [dict get $d sizes] 1") == "3"


def test_a_tensor_is_a_handle_to_the_same_tensor(interp):
    x = torch.arange(6.0).reshape(2, 3)
    interp.setvar("x", x)
    name = interp.eval("set x")
    assert interp.tensor(name) is x
    assert interp.eval("torch::tensor_shape $x") == "2 3"
    interp.eval("set y [torch::tensor_sum $x]")
    assert interp.tensor(interp.eval("set y")).item() == 15.0


def test_tensors_inside_lists_and_dicts(interp):
    a, b = torch.ones(2), torch.zeros(3, 4)
    interp.setvar("l", [a, {"w": b}])
    assert interp.tensor(interp.eval("lindex $l 0")) is a
    assert interp.eval("torch::tensor_shape [dict get [lindex $l 1] w]") == "3 4"


def test_a_handle_of_setvar_goes_with_its_value(interp):
    """Unlike `put`'s, a handle setvar makes is Tcl's: freed once no variable holds it."""
    before = set(interp.store.handles)
    interp.setvar("x", torch.ones(2))
    (name,) = set(interp.store.handles) - before
    assert not interp.store.handles[name].pinned
    interp.setvar("x", 1)
    interp.store.drain()
    assert name not in interp.store.handles        # its name never became text: freed at once


def test_a_numpy_array_shares_its_memory(interp):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    interp.setvar("a", a)
    t = interp.tensor(interp.eval("set a"))
    assert t.dtype == torch.float32 and t.shape == (2, 3)
    assert np.shares_memory(a, t.numpy())
    a[0, 0] = 100                                  # the tensor sees the array's changes
    assert t[0, 0].item() == 100
    t[1, 2] = -1                                   # and the array the tensor's
    assert a[1, 2] == -1


@pytest.mark.parametrize("array", [np.arange(5)[::-1], np.arange(3.0)], ids=["reversed", "ro"])
def test_a_numpy_array_torch_cannot_share_is_copied(interp, array):
    if array.base is None:
        array.flags.writeable = False              # torch would write a read-only array
    interp.setvar("a", array)
    t = interp.tensor(interp.eval("set a"))
    assert t.tolist() == array.tolist()
    assert not np.shares_memory(array, t.numpy())


def test_a_module_is_a_handle_of_its_kind(interp):
    model = torch.nn.Linear(2, 3)
    interp.setvar("m", model)
    assert interp.store.handles[interp.eval("set m")].obj is model
    out = interp.eval("torch::tensor_shape [torch::layer_forward $m [torch::ones {4 2}]]")
    assert out == "4 3"


@pytest.mark.parametrize("value, message", [
    (None, "cannot pass v (NoneType) to Tcl: Tcl takes torch tensors, numpy arrays, torch:: "
           "objects (modules, optimizers, ...), int, float, bool, str, and lists, tuples and "
           "dicts of those"),
    ({"s": {1, 2}}, "cannot pass v['s'] (set) to Tcl: Tcl takes"),
    ([1, [2, object()]], "cannot pass v[1][1] (object) to Tcl: Tcl takes"),
    (b"bytes", "cannot pass v (bytes) to Tcl: Tcl takes"),
    ({(1, 2): 3}, "cannot pass v's key (1, 2) (tuple) to Tcl: a Tcl dict's keys come from str "
                  "or numbers"),
    (np.array([object()], dtype=object), "cannot pass v (numpy.ndarray) to Tcl: torch makes no "
                                         "tensor of it: "),
    (np.datetime64("2020-01-01"), "cannot pass v (numpy.datetime64) to Tcl: Tcl takes"),
])
def test_what_does_not_convert_is_a_clear_error(interp, value, message):
    interp.setvar("v", "before")
    with pytest.raises(TorchTclError) as info:
        interp.setvar("v", value)
    assert info.value.message.startswith(message)
    assert info.value.error_code == "TORCHTCL VALUE"
    assert interp.eval("set v") == "before"        # nothing set


def test_a_list_that_holds_itself_is_an_error_not_a_hang(interp):
    loop = [1]
    loop.append(loop)
    with pytest.raises(TorchTclError, match=r"^cannot pass loop \(list\) to Tcl: nested more "
                                            r"than 64 deep"):
        interp.setvar("loop", loop)


def test_setvar_names_tcl_variables_as_tcl_does(interp):
    interp.setvar("::ns_free", 1)                  # global, qualified or not
    interp.setvar("arr(k)", [1, 2])                # an array element
    assert interp.eval("list $ns_free $arr(k)") == "1 {1 2}"
    interp.eval("array set whole {k v}")
    with pytest.raises(TorchTclError, match='^can\'t set "whole": variable is array$'):
        interp.setvar("whole", 1)


# --- through the magic, in a real python3 kernel -----------------------------------------------

def _result(msgs):
    return [c["data"]["text/plain"] for _, k, c in msgs if k == "execute_result"]


def test_the_magic_hands_python_values_over(python_kernel):
    kc = python_kernel
    reply, msgs = run(kc, "import numpy as np, torch\n"
                          "cfg = {'lr': 0.5, 'layers': [2, {'units': 3}], 'bias': True}\n"
                          "arr = np.ones((2, 2), dtype=np.float32)\n"
                          "%tcl -i cfg,arr list [dict get $cfg lr] [dict get [lindex "
                          "[dict get $cfg layers] 1] units] [dict get $cfg bias] "
                          "[torch::tensor_shape $arr]")
    assert reply["status"] == "ok", reply
    assert _result(msgs) == ["0.5 3 1 {2 2}"]


def test_the_magic_shares_numpy_memory(python_kernel):
    kc = python_kernel
    reply, msgs = run(kc, "import numpy as np\narr = np.zeros(3, dtype=np.float32)\n"
                          "%tcl -i arr -o t set t $arr\n"
                          "t[1] = 7\nprint(np.shares_memory(t.numpy(), arr), arr.tolist())")
    assert reply["status"] == "ok", reply
    text = "".join(c["text"] for _, k, c in msgs if k == "stream")
    assert text == "True [0.0, 7.0, 0.0]\n"


def test_a_value_that_does_not_convert_is_one_line_naming_it(python_kernel):
    kc = python_kernel
    run(kc, "odd = {'k': [1, {2, 3}]}")
    line = _one_line_error(*run(kc, "%%tcl -i odd\nset odd"))
    assert line == ("TclError: -i odd: cannot pass odd['k'][1] (set) to Tcl: Tcl takes torch "
                    "tensors, numpy arrays, torch:: objects (modules, optimizers, ...), int, "
                    "float, bool, str, and lists, tuples and dicts of those")
    reply, msgs = run(kc, "%tcl expr {6 * 7}")
    assert reply["status"] == "ok" and _result(msgs) == ["42"]
