"""torch::compile and torch::compile_info through a real interpreter: a compiled handle computes
what its model does and trains it, every model command takes it, checkpoints stay interchangeable
with the eager model, errors are Tcl errors, and a compiler failure falls back to eager, said once.

Inductor compiles take seconds on this CPU: one model is compiled with it (module fixture); the
rest use the eager and aot_eager backends, which trace the model as inductor would but generate
no code."""

import re

import pytest
import torch
from conftest import ROOT, Session, failing_backend

from torchtcl_kernel.commands.compile import CompiledModel

MLP = "torch::sequential [list [torch::linear 6 16] [torch::nn_relu] [torch::linear 16 3]]"
failing_backend()


def tensor(tcl, script):
    return tcl.interp.tensor(tcl(script))


def model(tcl, name, seed=0):
    tcl(f"torch::manual_seed {seed}; set {name} [{MLP}]")
    return tcl.interp.store.get(tcl(f"set {name}"), "module")


GUIDE = re.findall(r"```tcl\n(.*?)```", (ROOT / "docs" / "compile.md").read_text(), re.S)


@pytest.fixture(scope="module")
def inductor():
    """The file's one inductor compile: docs/compile.md's first example, which trains an MLP
    through its compiled handle (forward and backward compiled)."""
    tcl = Session()
    tcl(GUIDE[0])
    return tcl


@pytest.mark.slow
def test_inductor_trains_the_model_as_eager_pytorch_does(inductor):
    """The guide's loops, compiled by inductor, against the same steps in eager PyTorch: 20 by
    commands (the model compiled), then 20 by torch::train_step (the whole step compiled)."""
    tcl = inductor
    assert re.fullmatch(r"status compiled, first call \d+\.\d+ s\nloss after 20 steps: "
                        r"\d\.\d{3}\n", tcl.stdout), tcl.stdout
    info = tcl.dict("torch::compile_info $fast")
    assert (info["backend"], info["mode"], info["compiled"]) == ("inductor", "default", "1")
    assert info["fallback_reason"] == "" and float(info["first_call_seconds"]) > 0
    assert tcl("set fast") == "compiled1" and tcl.err == []
    torch.manual_seed(0)
    mlp = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 10))
    _same_as_20_eager_steps(tcl, mlp)
    # and its forward pass is the model's
    torch.testing.assert_close(tensor(tcl, "torch::layer_forward $fast $x"),
                               tensor(tcl, "torch::layer_forward $model $x"))
    assert len(GUIDE) == 2
    tcl.out.clear()
    tcl(GUIDE[1])
    assert tcl.stdout == "step fused\n" and tcl.err == []
    _same_as_20_eager_steps(tcl, mlp)


def _same_as_20_eager_steps(tcl, mlp):
    """The guide's loss and model against mlp after 20 more eager steps, with a new optimizer as
    each of the guide's loops has."""
    x, y = tensor(tcl, "set x"), tensor(tcl, "set y")
    opt = torch.optim.SGD(mlp.parameters(), lr=0.05, momentum=0.9)
    for _ in range(20):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(mlp(x), y)
        loss.backward()
        opt.step()
    # the compiled code sums in another order: close, not equal
    torch.testing.assert_close(tensor(tcl, "set loss"), loss.detach(), rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(tcl.interp.store.get(tcl("set model"), "module").state_dict(),
                               mlp.state_dict(), rtol=1e-4, atol=1e-5)


def info(tcl, handle):
    return tcl.dict(f"torch::compile_info {handle}")


@pytest.mark.parametrize("script", ["torch::compile $m -backend eager",
                                    "torch::compile -model $m -backend aot_eager -dynamic 0",
                                    "torch::compile $m default -backend eager -fullgraph 1"])
def test_forward_equals_the_eager_model(tcl, script):
    model(tcl, "m")
    tcl(f"set x [torch::randn {{4 6}}]; set c [{script}]")
    assert info(tcl, "$c")["status"] == "pending"       # nothing is compiled before a call
    torch.testing.assert_close(tensor(tcl, "torch::layer_forward $c $x"),
                               tensor(tcl, "torch::layer_forward $m $x"))
    assert info(tcl, "$c")["status"] == "compiled"
    assert tcl.interp.store.get(tcl("set c"), "module")._orig_mod is \
        tcl.interp.store.get(tcl("set m"), "module")


TRAIN = """
set opt [torch::optimizer_sgd [torch::layer_parameters $net] 0.1 0.9]
for {set i 0} {$i < 5} {incr i} {
    torch::optimizer_zero_grad $opt
    set loss [torch::cross_entropy_loss [torch::layer_forward $net $x] $y]
    torch::tensor_backward $loss
    torch::optimizer_step $opt
}
"""


def test_training_the_compiled_handle_trains_the_model_as_eager_training_does(tcl):
    eager, original = model(tcl, "e", seed=3), model(tcl, "m", seed=3)
    before = [p.detach().clone() for p in original.parameters()]
    tcl("set x [torch::randn {8 6}]; set y [torch::tensor_create {0 1 2 0 1 2 0 1} int64]")
    tcl("set net $e;" + TRAIN)
    tcl("set net [torch::compile $m -backend aot_eager];" + TRAIN)
    assert info(tcl, "$net")["status"] == "compiled"
    for got, want in zip(original.parameters(), eager.parameters(), strict=True):
        torch.testing.assert_close(got, want)
    assert not any(torch.equal(p, q) for p, q in zip(original.parameters(), before, strict=True))
    assert isinstance(tcl.interp.store.get(tcl("set net"), "module"), CompiledModel)


def test_model_commands_take_the_compiled_handle(tcl, tmp_path):
    original = model(tcl, "m")
    tcl("set c [torch::compile $m -backend eager]")
    assert tcl("torch::count_parameters $c") == tcl("torch::count_parameters $m") == "163"
    assert tcl("torch::model_eval $c") == tcl("set c") and not original.training
    assert tcl("torch::model_train $c") == tcl("set c") and original.training
    # the summary is the original model's, layer names and all
    assert tcl("torch::model_summary $c -inputShape {2 6}") == \
        tcl("torch::model_summary $m -inputShape {2 6}")
    # a checkpoint of either is the eager model's state dict: it loads into both
    path = tmp_path / "c.pt"
    tcl(f"torch::save_state_dict $c {path}")
    saved = torch.load(path, weights_only=True)
    assert sorted(saved) == sorted(original.state_dict())
    other = model(tcl, "other", seed=5)
    tcl(f"torch::load_state_dict $other {path}")
    torch.testing.assert_close(other.state_dict(), original.state_dict())
    tcl(f"torch::save_state_dict $other {path}; set c2 [torch::compile $other -backend eager]")
    tcl(f"torch::save_checkpoint $c2 [torch::optimizer_adam [torch::layer_parameters $c2] 0.01] "
        f"{path}.ckpt")
    tcl(f"torch::load_checkpoint {path}.ckpt $c [torch::optimizer_adam "
        "[torch::layer_parameters $c] 0.01]")
    torch.testing.assert_close(original.state_dict(), other.state_dict())


def test_compiling_a_compiled_handle_compiles_its_model_again(tcl):
    original = model(tcl, "m")
    tcl("set c [torch::compile $m -backend eager]; set cc [torch::compile $c -backend aot_eager]")
    assert tcl.interp.store.get(tcl("set cc"), "module")._orig_mod is original
    assert info(tcl, "$cc")["backend"] == "aot_eager"


def test_a_compiler_failure_falls_back_to_eager_once_and_says_why(tcl):
    model(tcl, "m")
    tcl("set x [torch::randn {4 6}]; set c [torch::compile $m -backend torchtcl_test_failing]")
    assert tcl.err == []
    torch.testing.assert_close(tensor(tcl, "torch::layer_forward $c $x"),
                               tensor(tcl, "torch::layer_forward $m $x"))
    warned = "".join(tcl.err)
    assert warned.count("\n") == 1 and "torch::compile: compiled1 runs eagerly" in warned
    assert "this backend cannot compile anything" in warned
    got = info(tcl, "$c")
    assert got["compiled"] == "0" and got["status"] == "fallback"
    assert "BackendCompilerFailed" in got["fallback_reason"]
    assert "this backend cannot compile anything" in got["fallback_reason"]
    # later calls run eagerly without another word, and train the model
    tcl("set y [torch::tensor_create {0 1 2 0} int64]; set net $c;" + TRAIN)
    assert "".join(tcl.err) == warned


def test_a_model_without_operations_does_not_stop_later_models_compiling(tcl):
    """Dynamo skips for good the code of a call that traced no operation, and torch.compile runs
    every torch.nn module through one shared function (PyTorch issue #132923): after an empty
    sequential, every model compiled later ran eagerly, unsaid. Each structure of model has its
    own code: the failing backend is still called (its failure is the proof), however many op-less
    models were compiled before it, by torch::compile or by torch.compile from Python."""
    tcl("set x [torch::randn {4 6}]; set e [torch::compile [torch::sequential [list]] "
        "-backend eager]")
    assert torch.equal(tensor(tcl, "torch::layer_forward $e $x"), tensor(tcl, "set x"))
    torch.compile(torch.nn.Identity(), backend="eager")(torch.ones(2))
    model(tcl, "m")
    tcl("set c [torch::compile $m -backend torchtcl_test_failing]; torch::layer_forward $c $x")
    assert "compiled2 runs eagerly (uncompiled) from now on" in "".join(tcl.err)
    assert info(tcl, "$c")["status"] == "fallback" and info(tcl, "$e")["status"] == "compiled"


def test_a_model_made_again_reuses_what_was_compiled_and_computes_with_its_own_weights(tcl):
    """A cell run twice makes a new model of the same structure: Dynamo compiles nothing new for
    its handle (it keeps every code object it saw, with its compiled graphs, so a handle with a
    code of its own grew the process by up to 0.9 MB, for good), and each handle still computes
    with its own model's weights. Models that differ in a setting are compiled apart."""
    from torch._dynamo.utils import counters
    tcl("set x [torch::randn {5 6}]")
    for seed in range(4):
        eager = model(tcl, "m", seed)
        tcl("set c [torch::compile $m -backend aot_eager]")
        got = tensor(tcl, "torch::layer_forward $c $x")
        torch.testing.assert_close(got, eager(tensor(tcl, "set x")))
        if seed == 0:
            graphs = counters["stats"]["unique_graphs"]
        tcl("torch::free $c $m")
    assert counters["stats"]["unique_graphs"] == graphs
    # with other settings, or other sizes, compiled anew (one graph each: the forward pass)
    model(tcl, "m")
    tcl("torch::layer_forward [torch::compile $m -backend aot_eager -dynamic 1] $x")
    tcl("set wide [torch::sequential [list [torch::linear 6 32] [torch::nn_relu] "
        "[torch::linear 32 3]]]; torch::layer_forward [torch::compile $wide -backend aot_eager] $x")
    assert counters["stats"]["unique_graphs"] == graphs + 2
    # a sweep over a setting the graph holds as a constant compiles each value: sharing one code,
    # the ninth would have met Dynamo's recompile limit and run eagerly, unsaid
    graphs = counters["stats"]["unique_graphs"]
    for slope in range(1, 11):
        tcl(f"set m [torch::sequential [list [torch::linear 6 3] [torch::nn_leaky_relu "
            f"-negativeSlope 0.{slope:02d}]]]; set c [torch::compile $m -backend aot_eager]; "
            "torch::free [torch::layer_forward $c $x] $c $m")
    assert counters["stats"]["unique_graphs"] == graphs + 10


def test_a_module_that_cannot_describe_itself_is_compiled_all_the_same(tcl):
    """The shared code's key holds each module's extra_repr: a model whose own extra_repr fails
    gets a code of its own, and compiles as any other."""
    class Odd(torch.nn.Linear):
        def extra_repr(self):
            raise RuntimeError("no description")
    odd = Odd(6, 3)
    tcl(f"set odd {tcl.interp.put(odd)}; set x [torch::randn {{2 6}}]")
    got = tensor(tcl, "set c [torch::compile $odd -backend eager]; torch::layer_forward $c $x")
    torch.testing.assert_close(got, odd(tensor(tcl, "set x")))
    assert info(tcl, "$c")["status"] == "compiled"


def test_an_error_of_the_model_itself_is_a_tcl_error_not_a_fallback(tcl):
    model(tcl, "m")
    tcl("set c [torch::compile $m -backend eager]")
    tcl("torch::layer_forward $c [torch::randn {4 6}]")
    e = tcl.error("torch::layer_forward $c [torch::randn {4 5}]")
    assert "mat1 and mat2 shapes cannot be multiplied (4x5 and 6x16)" in e.message
    assert e.error_code.split() == ["TORCH", "RUNTIME", "layer_forward"]
    assert info(tcl, "$c")["status"] == "compiled" and tcl.err == []
    # the interpreter and the handle go on working
    assert tcl("torch::tensor_shape [torch::layer_forward $c [torch::randn {2 6}]]") == "2 3"


@pytest.mark.parametrize("script, code, message", [
    ("torch::compile $m -mode fastest", "INVALID",
     'bad value "fastest": must be default, reduce-overhead, max-autotune'),
    ("torch::compile $m fastest", "INVALID",
     'bad value "fastest": must be default, reduce-overhead, max-autotune'),
    ("torch::compile $m -backend nosuch", "INVALID",
     'bad value "nosuch": must be inductor, eager, aot_eager or another backend registered with '
     "torch._dynamo (torch._dynamo.list_backends)"),
    ("torch::compile $m -mode max-autotune -backend eager", "INVALID",
     "-mode max-autotune needs -backend inductor (the eager backend has no modes)"),
    ("torch::compile $m -fullgraph maybe", "INVALID", 'expected boolean value but got "maybe"'),
    ("torch::compile [torch::zeros {2}]", "WRONG_KIND",
     "Model not found (tensor1 is a tensor, not a module)"),
    ("torch::compile nosuch", "NOT_FOUND", "Model not found"),
    ("torch::compile", "MISSING", "Required parameter missing: -model"),
    ("torch::compile $m -foo 1", "UNKNOWN_OPTION", "Unknown parameter: -foo"),
    ("torch::compile_info $m", "WRONG_KIND",
     "Not a compiled model: sequential1 (torch::compile makes one)"),
])
def test_errors(tcl, script, code, message):
    model(tcl, "m")
    e = tcl.error(script)
    assert (e.error_code.split()[:2], e.message) == (["TORCH", code], message)
    # nothing was made, and the interpreter carries on
    assert tcl("torch::handles -kind module").count("compiled") == 0
    assert tcl("torch::tensor_shape [torch::layer_forward $m [torch::randn {1 6}]]") == "1 3"
