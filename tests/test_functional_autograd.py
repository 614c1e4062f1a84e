"""Functional autograd against PyTorch: torch::grad (graph and torch.func forms), jacobian,
hessian, vjp, jvp, vmap, functional_call, grad_check(_finite_diff) and the global grad mode.

The functions are Tcl procs and lambdas calling torch:: commands; each result is compared with
the same torch.func / torch.autograd call on the Python twin of the function, on seeded inputs.
Under torch.func the procs receive functorch's wrapped tensors, so these cases also check that the
commands they call (tensor_add, tensor_mul, tensor_sum, sin, tensor_matmul, dot) take them; and
torch::grad_check lets PyTorch's gradcheck verify gradients computed through the Tcl callbacks."""

import re

import pytest
import torch
from conftest import ROOT, Session, assert_same, check_case, rnd

F64 = torch.float64

PROCS = r"""
proc mix {r} {torch::tensor_sum [torch::tensor_add [torch::tensor_mul [torch::sin $r] $r] $r]}
proc mv {r} {torch::tensor_matmul $::W $r}
proc two {a b} {torch::tensor_sum [torch::tensor_mul [torch::tensor_add $a $b] $b]}
proc pair {x} {list [torch::sin $x] [torch::tensor_mul $x $x]}
proc rowdot {r} {torch::dot $r $r}
"""


def mix(r):
    return (torch.sin(r) * r + r).sum()


def two(a, b):
    return ((a + b) * b).sum()


def pair(x):
    return torch.sin(x), x * x


@pytest.fixture(scope="module")
def tcl(shared):
    shared(PROCS)
    # the first forward-mode call loads PyTorch's jvp decompositions (quietly, in the command):
    # before the Python twins below need them
    shared("torch::jvp {{x} {torch::sin $x}} [torch::ones 1] [torch::ones 1]")
    return shared


def x_of(*shape):
    return lambda g: {"x": rnd(g, *shape, dtype=F64)}


def mv_inputs(g):
    return {"W": rnd(g, 3, 4, dtype=F64), "x": rnd(g, 4, dtype=F64), "v": rnd(g, 3, dtype=F64),
            "t": rnd(g, 4, dtype=F64)}


# (id, inputs, scripts that must all give `expected`, expected, differentiable)
CASES = [
    ("grad-func", x_of(5),
     ["torch::grad mix $x", "torch::grad -func mix -inputs $x",
      "torch::grad -function {{r} {mix $r}} -input $x", "torch::grad -outputs mix -inputs $x"],
     lambda x: torch.func.grad(mix)(x), True),
    ("grad-func-noncontiguous", lambda g: {"x": rnd(g, 3, 2, dtype=F64).t()},
     ["torch::grad mix $x"], lambda x: torch.func.grad(mix)(x), True),
    ("grad-graph", lambda g: {"x": rnd(g, 4).requires_grad_()},
     ["torch::grad [torch::tensor_sum [torch::tensor_mul $x $x]] $x",
      "torch::grad -outputs [torch::tensor_sum [torch::tensor_mul $x $x]] -inputs $x",
      "torch::grad -output [torch::tensor_sum [torch::tensor_mul $x $x]] -input $x"],
     lambda x: torch.autograd.grad((x * x).sum(), x)[0], False),
    ("grad-graph-grad-outputs", lambda g: {"x": rnd(g, 2, 3).requires_grad_(), "v": rnd(g, 2, 3)},
     ["torch::grad -outputs [torch::sin $x] -inputs $x -gradOutputs $v"],
     lambda x, v: torch.autograd.grad(torch.sin(x), x, v)[0], False),
    ("grad-graph-unused", lambda g: {"x": rnd(g, 3).requires_grad_(),
                                     "y": rnd(g, 1).requires_grad_()},
     ["torch::grad -outputs [torch::tensor_sum $y] -inputs $x -allowUnused 1"],
     lambda x, y: torch.zeros_like(x), False),
    ("jacobian", mv_inputs,
     ["torch::jacobian mv $x", "torch::jacobian -func mv -inputs $x",
      "torch::Jacobian -function mv -input $x", "torch::jacobian -inputs $x -func mv"],
     lambda W, x, v, t: torch.func.jacrev(lambda r: W @ r)(x), True),
    ("jacobian-noncontiguous", lambda g: {"x": rnd(g, 3, 2, dtype=F64).t()},
     ["torch::jacobian {{x} {torch::sin $x}} $x"],
     lambda x: torch.func.jacrev(torch.sin)(x), True),
    ("jacobian-empty", lambda g: {"x": torch.zeros(0, dtype=F64)},
     ["torch::jacobian {{x} {torch::sin $x}} $x"],
     lambda x: torch.func.jacrev(torch.sin)(x), False),
    ("hessian", x_of(4),
     ["torch::hessian mix $x", "torch::hessian -func mix -inputs $x",
      "torch::hessian -function mix -input $x"],
     lambda x: torch.func.hessian(mix)(x), True),
    ("vjp", mv_inputs,
     ["torch::vjp mv $x $v", "torch::vjp -func mv -inputs $x -v $v",
      "torch::vectorJacobianProduct -function mv -input $x -vector $v",
      "torch::vectorJacobianProduct mv $x $v"],
     lambda W, x, v, t: torch.func.vjp(lambda r: W @ r, x)[1](v)[0], True),
    ("jvp", mv_inputs,
     ["torch::jvp mv $x $t", "torch::jvp -func mv -inputs $x -v $t",
      "torch::jvp -v $t -function mv -input $x -vector $t"],
     lambda W, x, v, t: torch.func.jvp(lambda r: W @ r, (x,), (t,))[1], True),
    ("jvp-sin", x_of(2, 3),
     ["torch::jvp {{x} {torch::sin $x}} $x $x"],
     lambda x: torch.func.jvp(torch.sin, (x,), (x,))[1], True),
    ("vmap", x_of(5, 3),
     ["torch::vmap mix $x", "torch::vmap -func mix -inputs $x",
      "torch::vectorMap -function mix -input $x", "torch::vectorMap mix $x"],
     lambda x: torch.func.vmap(mix)(x), True),
    ("vmap-matmul", lambda g: {"W": rnd(g, 3, 4), "x": rnd(g, 6, 4)},
     ["torch::vmap mv $x"], lambda W, x: torch.func.vmap(lambda r: W @ r)(x), True),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_against_torch(tcl, case):
    check_case(tcl, case, same=lambda got, want: assert_same(got, want, tol=1e-10
                                                             if want.dtype == F64 else 1e-6))


def test_vmap_dims(tcl):
    x = rnd(3, 3, 5)
    tcl.load({"x": x})
    assert_same(tcl.interp.tensor(tcl("torch::vmap -func rowdot -inputs $x -inDims 1")),
                torch.func.vmap(lambda c: c @ c, in_dims=1)(x))
    got = tcl("torch::vmap -func {{c} {torch::tensor_mul $c 2}} -inputs $x -inDims 1 -outDims 1")
    assert_same(tcl.interp.tensor(got), torch.func.vmap(lambda c: c * 2, 1, 1)(x))


@pytest.mark.parametrize("script", [
    "torch::grad mix $x", "torch::jacobian {{r} {torch::sin $r}} $x", "torch::hessian mix $x",
    "torch::vjp {{r} {torch::sin $r}} $x $t", "torch::jvp mv $x $t", "torch::vmap rowdot $B"])
def test_results_are_differentiable(tcl, script):
    g = torch.Generator().manual_seed(3)
    tcl.load({"x": rnd(g, 4, dtype=F64).requires_grad_(), "W": rnd(g, 3, 4, dtype=F64),
              "v": rnd(g, 3, dtype=F64), "t": rnd(g, 4, dtype=F64),
              "B": rnd(g, 2, 4, dtype=F64).requires_grad_()})
    assert tcl.interp.tensor(tcl(script)).grad_fn is not None
    tcl.load({"x": rnd(g, 4, dtype=F64), "B": rnd(g, 2, 4, dtype=F64)})
    assert tcl.interp.tensor(tcl(script)).grad_fn is None


def test_several_inputs_and_outputs_are_lists(tcl):
    g = torch.Generator().manual_seed(5)
    a, b = rnd(g, 3, dtype=F64), rnd(g, 3, dtype=F64)
    tcl.load({"a": a, "b": b})
    for script in ["torch::grad two [list $a $b]", "torch::grad -func two -inputs [list $a $b]"]:
        got = tcl(f"set r [{script}]; llength $r")
        assert got == "2"
        for i, want in enumerate(torch.func.grad(two, argnums=(0, 1))(a, b)):
            assert_same(tcl.interp.tensor(tcl(f"lindex $r {i}")), want)
    jac = tcl("set r [torch::jacobian pair $a]; llength $r")
    assert jac == "2"
    for i, want in enumerate(torch.func.jacrev(pair)(a)):
        assert_same(tcl.interp.tensor(tcl(f"lindex $r {i}")), want)
    tcl.load({"u": rnd(g, 3, dtype=F64), "w": rnd(g, 3, dtype=F64)})
    got = tcl("torch::vjp pair $a [list $u $w]")
    want = torch.func.vjp(pair, a)[1]((tcl.interp.tensor(tcl("set u")),
                                       tcl.interp.tensor(tcl("set w"))))[0]
    assert_same(tcl.interp.tensor(got), want)
    got = tcl("torch::jvp two [list $a $b] [list $u $w]")
    want = torch.func.jvp(two, (a, b), (tcl.interp.tensor(tcl("set u")),
                                        tcl.interp.tensor(tcl("set w"))))[1]
    assert_same(tcl.interp.tensor(got), want)


def test_functional_call_with_a_module_and_with_a_function(tcl):
    torch.manual_seed(0)
    layer = torch.nn.Linear(3, 2)
    g = torch.Generator().manual_seed(9)
    w, x = rnd(g, 2, 3), rnd(g, 4, 3)
    tcl.load({"w": w, "x": x})
    tcl(f"set layer {tcl.interp.put(layer)}")
    want = torch.func.functional_call(layer, {"weight": w}, (x,))
    for script in ["torch::functional_call $layer [dict create weight $w] $x",
                   "torch::functionalCall -func $layer -parameters [list weight $w] -args $x",
                   "torch::functional_call -function $layer -args [list $x] -parameters {} "
                   "-parameters [list weight $w]"]:
        assert_same(tcl.interp.tensor(tcl(script)), want)
    assert not torch.equal(layer.weight.detach(), w)          # the layer is left as it was
    assert_same(tcl.interp.tensor(tcl("torch::functional_call $layer {} $x")), layer(x))
    # a module handle is a function for the other commands too (its forward)
    tcl.load({"row": x[0]})
    assert_same(tcl.interp.tensor(tcl("torch::jacobian $layer $row")),
                torch.func.jacrev(layer)(x[0]))
    a, b = rnd(g, 3), rnd(g, 3)
    tcl.load({"a": a, "b": b})
    assert_same(tcl.interp.tensor(tcl("torch::functional_call two $a $b")), two(a, b))
    assert_same(tcl.interp.tensor(tcl("torch::functional_call two [list $a $b]")), two(a, b))
    assert "a module takes a dict" in tcl.error("torch::functional_call $layer $w $x").message
    assert "needs a module handle" in tcl.error("torch::functional_call two [list p $a] $b").message
    assert_same(tcl.interp.tensor(tcl("torch::functional_call {{} {torch::ones 2}} {}")),
                torch.ones(2))


@pytest.mark.parametrize("script, expected", [
    # gradients PyTorch's gradcheck verifies, through Tcl callbacks inside torch.func transforms
    ("torch::grad_check mix $x", "1"),
    ("torch::grad_check {{x} {torch::grad mix $x}} $x", "1"),
    ("torch::gradCheck -func {{x} {torch::vjp mv $x $::v}} -inputs $x", "1"),
    ("torch::grad_check -function {{x} {torch::jvp mv $x $x}} -input $x", "1"),
    ("torch::grad_check {{B} {torch::vmap mix $B}} $B", "1"),
    ("torch::grad_check {{x} {torch::hessian mix $x}} $x", "1"),
    ("torch::grad_check two [list $x $x]", "1"),
    ("torch::grad_check_finite_diff mix $x", "1"),
    ("torch::grad_check_finite_diff {{x} {torch::jacobian mv $x}} $x 1e-6", "1"),
    ("torch::gradCheckFiniteDiff -func mix -inputs $x -eps 1e-4", "1"),
    ("torch::grad_check_finite_diff -function mix -input $x -epsilon 1e-4", "1"),
    # relu at 0: autograd says 0, central differences 1/2
    ("torch::grad_check {{x} {torch::tensor_relu $x}} $zero", "0"),
    # x^3 with a step of 1: the difference quotient is 3x^2 + 1
    ("torch::grad_check_finite_diff {{x} {torch::tensor_mul $x [torch::tensor_mul $x $x]}} $x 1",
     "0"),
])
def test_grad_check(tcl, script, expected):
    g = torch.Generator().manual_seed(11)
    tcl.load({"x": rnd(g, 4), "W": rnd(g, 3, 4, dtype=F64), "v": rnd(g, 3, dtype=F64),
              "B": rnd(g, 2, 4), "zero": torch.zeros(2)})
    assert tcl(script) == expected


def test_transforms_compose(tcl):
    """Per-sample gradients: torch::grad inside a function that torch::vmap maps, as
    torch.func.vmap(torch.func.grad(f)) does."""
    B = rnd(4, 5, 3, dtype=F64)
    tcl.load({"B": B})
    assert_same(tcl.interp.tensor(tcl("torch::vmap {{r} {torch::grad mix $r}} $B")),
                torch.func.vmap(torch.func.grad(mix))(B), tol=1e-10)
    assert_same(tcl.interp.tensor(tcl("torch::vmap {{r} {torch::jacobian mix $r}} $B")),
                torch.func.vmap(torch.func.jacrev(mix))(B), tol=1e-10)


def test_functions_see_functorch_tensors(tcl):
    """Under vmap the proc sees one row (a batched wrapper), yet its handles work as tensors."""
    tcl.load({"x": rnd(2, 3, 4)})
    got = tcl("torch::vmap {{r} {set ::seen [torch::tensor_shape $r]; torch::tensor_add $r $r}} $x")
    assert tcl("set ::seen") == "4"
    assert_same(tcl.interp.tensor(got), 2 * tcl.interp.tensor(tcl("set x")))


def test_a_tcl_error_in_the_function_comes_out_clean(tcl):
    tcl.load({"x": rnd(1, 3), "B": rnd(2, 2, 3)})
    for script in ["torch::jacobian {{x} {error {no luck here}}} $x",
                   "torch::grad {{x} {error {no luck here}}} $x",
                   "torch::vmap {{x} {error {no luck here}}} $B",
                   "torch::jvp {{x} {error {no luck here}}} $x $x",
                   "torch::grad_check {{x} {error {no luck here}}} $x"]:
        e = tcl.error(script)
        assert e.message == "no luck here"
        assert "error {no luck here}" in e.error_info
    # the interpreter and the transforms work as before
    assert tcl("torch::tensor_shape [torch::tensor_sum $B]") == ""
    assert_same(tcl.interp.tensor(tcl("torch::vmap mix $B")),
                torch.func.vmap(mix)(tcl.interp.tensor(tcl("set B"))))
    assert tcl("torch::is_grad_enabled") == "1"
    assert tcl("catch {torch::jacobian {{x} {no_such_command $x}} $x} m; set m") == \
        'invalid command name "no_such_command"'


@pytest.mark.parametrize("body, text", [
    ("return 3", 'bad result from -func: expected a tensor handle but got "3"'),
    ("return {}", 'bad result from -func: expected a tensor handle or a list of them but got ""'),
    ("return $::L", "bad result from -func: expected a tensor handle but got"),
    ("return no_such_handle", 'expected a tensor handle but got "no_such_handle"'),
])
def test_a_result_that_is_no_tensor_is_a_clear_error(tcl, body, text):
    tcl(f"set ::L {tcl.interp.put(torch.nn.Linear(2, 2))}")
    tcl.load({"x": rnd(2, 3)})
    assert text in tcl.error(f"torch::jacobian {{{{x}} {{{body}}}}} $x").message
    assert tcl("torch::tensor_numel $x") == "3"


def test_the_functions_handles_go_when_the_call_is_done(tcl):
    tcl.load({"x": rnd(4, 3, dtype=F64), "B": rnd(4, 2, 3)})
    store = tcl.interp.store
    tcl("set r [torch::hessian mix $x]; set r [torch::vmap mix $B]; unset r")
    store.drain()
    before = len(store.handles)
    tcl("set r [torch::hessian mix $x]; set q [torch::vmap mix $B]")
    store.drain()
    assert len(store.handles) == before + 2          # r and q; every argument and temporary gone
    tcl("set keep {}; torch::jacobian {{x} {lappend ::keep $x; torch::sin $x}} $x")
    assert len(tcl("set keep")) > 0                   # a handle the function kept stays usable
    assert tcl("torch::tensor_numel [lindex $keep 0]") == "3"


def test_grad_mode(tcl):
    assert tcl("torch::is_grad_enabled") == "1"
    assert tcl("torch::set_grad_enabled 0") == "ok"
    assert tcl("torch::isGradEnabled") == "0"       # it holds for later evaluations
    tcl.load({"w": torch.ones(2, requires_grad=True)})
    assert tcl("torch::tensor_requires_grad [torch::tensor_mul $w $w]") == "0"
    assert tcl("torch::setGradEnabled -enabled true") == "ok"
    assert tcl("torch::is_grad_enabled") == "1"
    assert tcl("torch::tensor_requires_grad [torch::tensor_mul $w $w]") == "1"
    assert tcl("torch::set_grad_enabled -enabled false; torch::is_grad_enabled") == "0"
    assert tcl("torch::set_grad_enabled yes; torch::is_grad_enabled") == "1"
    assert torch.is_grad_enabled()                    # the Python around is not touched


@pytest.mark.parametrize("script, text", [
    ("torch::grad -outputs $x", "Required parameters missing: outputs and inputs tensors required"),
    ("torch::grad -outputs $x -inputs $x -unknown value", "Unknown parameter: -unknown"),
    ("torch::grad mix $x -gradOutputs $x", "apply to tensor outputs, not to a function"),
    ("torch::grad nothing_here $x", 'Invalid outputs: "nothing_here" is neither tensor handles'),
    ("torch::vjp -func mix -inputs $x", "Required parameters missing: -func, -inputs, and -v"),
    ("torch::vjp mix nonexistent invalid", "Invalid tensor"),
    ("torch::vmap -func mix", "Required parameters missing: -func and -inputs"),
    ("torch::vmap -func mix -inputs $x -unknown param", "Unknown parameter: -unknown"),
    ("torch::jvp", "Usage: jvp func inputs v"),
    ("torch::jvp mix", "Usage: jvp func inputs v"),
    ("torch::jvp -func mix -inputs", "Usage: jvp -func function -inputs inputs -v vector"),
    ("torch::jvp -func mix -inputs $x -v $x -unknown value", "Unknown parameter: -unknown"),
    ("torch::jacobian {} $x", "Required parameters missing: func and inputs required"),
    ("torch::jacobian -unknown_param f -inputs $x", "Unknown parameter: -unknown_param"),
    ("torch::jacobian my_function $x", 'Invalid function: "my_function" is not a command'),
    ("torch::jacobian $x $x", "is a tensor handle, not a command"),
    ("torch::vjp [torch::optimizer_sgd [list $x] 0.1] $x $x",
     "is an optimizer handle, not a command"),
    ("torch::hessian -func mix", "Required parameters missing: func and inputs required"),
    ("torch::is_grad_enabled extra_arg", 'wrong # args: should be "torch::is_grad_enabled"'),
    ("torch::isGradEnabled some_param", 'wrong # args: should be "torch::isGradEnabled"'),
    ("torch::set_grad_enabled maybe", 'expected boolean value but got "maybe"'),
    ("torch::set_grad_enabled", "Required parameter missing: enabled"),
    ("torch::grad_check_finite_diff mix", "Required parameters missing: func and inputs required"),
    ("torch::grad_check_finite_diff -func mix -inputs $x -eps invalid", "Invalid eps value"),
    ("torch::grad_check_finite_diff -func mix -inputs $x -eps -1e-5", "eps must be positive"),
    ("torch::grad_check_finite_diff -func mix -inputs $x -eps 0.0", "eps must be positive"),
    ("torch::grad_check -func mix", "Required parameters missing: func and inputs required"),
    ("torch::functional_call mix", "Usage: torch::functional_call func parameters ?args ...?"),
    ("torch::functional_call -func mix",
     "Required parameters missing: func and parameters required"),
    ("torch::functional_call mix {a b c}", "Invalid parameters: expected tensor handles"),
    ("torch::grad {{x} {torch::tensor_mul $x $x}} $x", "Expected f(*args) to return a scalar"),
])
def test_page_error_texts(tcl, script, text):
    tcl.load({"x": rnd(1, 3)})
    assert text in tcl.error(script).message


# --- docs/functional.md: its example prints what the page says, and torch agrees ----------------
def test_the_guide_example():
    page = (ROOT / "docs" / "functional.md").read_text()
    script, printed = re.findall(r"```(?:tcl)?\n(.*?)```", page, re.S)[-2:]
    session = Session()
    session(script)
    assert session.stdout == printed
    X = torch.tensor([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], dtype=torch.float64)
    y = torch.tensor([1.0, 3.0, 5.0], dtype=torch.float64)
    w = torch.zeros(2, dtype=torch.float64)
    grad = torch.func.grad(lambda w: ((X @ w - y) ** 2).mean())(w)
    per = torch.func.vmap(torch.func.grad(lambda w, x, t: (x @ w - t) ** 2),
                          in_dims=(None, 0, 0))(w, X, y)
    assert f"gradient: {grad.tolist()[0]} {grad.tolist()[1]}" in printed
    rows = " ".join("{" + " ".join(map(str, r)) + "}" for r in per.tolist())
    assert f"per sample: {rows}" in printed
