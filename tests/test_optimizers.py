"""Every optimizer: 20 steps driven from Tcl give bit-identical parameters to torch.optim."""

import math

import pytest
import torch

from torchtcl_kernel import TorchTcl
from torchtcl_kernel.commands.extra_optimizers import Lamb, NovoGrad

STEPS = 20

# Tcl arguments after the parameter list -> the same optimizer built in Python.
CASES = {
    "optimizer_sgd": ("0.05", lambda ps: torch.optim.SGD(ps, lr=0.05)),
    "optimizer_sgd nesterov": ("-lr 0.05 -momentum 0.9 -nesterov true -weightDecay 1e-3",
                               lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9,
                                                          nesterov=True, weight_decay=1e-3)),
    "optimizer_momentum_sgd": ("0.05 0.9 1e-4", lambda ps: torch.optim.SGD(
        ps, lr=0.05, momentum=0.9, weight_decay=1e-4)),
    "optimizer_adam": ("0.01 0.8 0.99 0.01", lambda ps: torch.optim.Adam(
        ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.01)),
    "optimizer_adam amsgrad": ("-lr 0.01 -amsgrad 1 -eps 1e-6", lambda ps: torch.optim.Adam(
        ps, lr=0.01, amsgrad=True, eps=1e-6)),
    "optimizer_adamw": ("0.01 0.05", lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.05)),
    "optimizer_adamax": ("-lr 0.01 -beta1 0.85", lambda ps: torch.optim.Adamax(
        ps, lr=0.01, betas=(0.85, 0.999))),
    "optimizer_adagrad": ("0.05 1e-8", lambda ps: torch.optim.Adagrad(ps, lr=0.05, eps=1e-8)),
    "optimizer_rmsprop": ("0.01 0.9 1e-6", lambda ps: torch.optim.RMSprop(
        ps, lr=0.01, alpha=0.9, eps=1e-6)),
    "optimizer_rprop": ("0.02 {0.4 1.3} {1e-5 10}", lambda ps: torch.optim.Rprop(
        ps, lr=0.02, etas=(0.4, 1.3), step_sizes=(1e-5, 10))),
    "optimizer_radam": ("0.01 {0.85 0.98} 1e-7 0.01", lambda ps: torch.optim.RAdam(
        ps, lr=0.01, betas=(0.85, 0.98), eps=1e-7, weight_decay=0.01)),
    "optimizer_nadam": ("-lr 0.01 -momentumDecay 0.005", lambda ps: torch.optim.NAdam(
        ps, lr=0.01, momentum_decay=0.005)),
    "optimizer_adafactor": ("-lr 0.05 -weightDecay 0.01", lambda ps: torch.optim.Adafactor(
        ps, lr=0.05, eps=(1e-30, 1e-3), d=1.0, beta2_decay=-0.8, weight_decay=0.01)),
    "optimizer_lamb": ("0.01", lambda ps: Lamb(ps, lr=0.01)),
    "optimizer_novograd": ("0.01", lambda ps: NovoGrad(ps, lr=0.01)),
}

LOSS = "torch::mse_loss [torch::tensor_add [torch::tensor_matmul $x $w] $b] $y"


def _data():
    g = torch.Generator().manual_seed(3)
    return (torch.randn(16, 5, generator=g), torch.randn(16, 3, generator=g),
            torch.randn(5, 3, generator=g), torch.randn(3, generator=g))


def _tcl_world(w0, b0, x, y):
    tcl = TorchTcl()
    w, b = w0.clone().requires_grad_(), b0.clone().requires_grad_()
    for name, t in {"x": x, "y": y, "w": w, "b": b}.items():
        tcl.tk.call("set", name, tcl.put(t))
    return tcl, w, b


@pytest.mark.parametrize("case", sorted(CASES))
def test_twenty_steps_bit_identical_to_torch_optim(case):
    args, reference = CASES[case]
    x, y, w0, b0 = _data()
    tcl, w, b = _tcl_world(w0, b0, x, y)
    tcl.eval(f"set opt [torch::{case.split()[0]} [list $w $b] {args}]")
    tcl.eval(f"""for {{set i 0}} {{$i < {STEPS}}} {{incr i}} {{
        torch::optimizer_zero_grad $opt
        torch::tensor_backward [{LOSS}]
        torch::optimizer_step $opt
    }}""")
    rw, rb = w0.clone().requires_grad_(), b0.clone().requires_grad_()
    opt = reference([rw, rb])
    for _ in range(STEPS):
        opt.zero_grad()
        torch.nn.functional.mse_loss(x @ rw + rb, y).backward()
        opt.step()
    assert type(tcl.store.get(tcl.eval("set opt"), "optimizer")) is type(opt)
    assert torch.equal(w, rw) and torch.equal(b, rb)
    assert not torch.equal(w, w0)


def test_lbfgs_steps_with_a_tcl_closure_like_torch():
    x, y, w0, b0 = _data()
    tcl, w, b = _tcl_world(w0, b0, x, y)
    tcl.eval("set opt [torch::optimizer_lbfgs [list $w $b] 0.5 10]")
    closure = f"torch::optimizer_zero_grad $opt; set l [{LOSS}]; torch::tensor_backward $l; set l"
    for _ in range(3):
        tcl.eval(f"torch::optimizer_step $opt -closure {{{closure}}}")
    rw, rb = w0.clone().requires_grad_(), b0.clone().requires_grad_()
    opt = torch.optim.LBFGS([rw, rb], lr=0.5, max_iter=10)

    def ref_closure():
        opt.zero_grad()
        loss = torch.nn.functional.mse_loss(x @ rw + rb, y)
        loss.backward()
        return loss
    for _ in range(3):
        opt.step(ref_closure)
    assert torch.equal(w, rw) and torch.equal(b, rb)
    # without a closure, L-BFGS with gradients cannot step: a clear error, not PyTorch's TypeError
    tcl.eval(f"torch::tensor_backward [{LOSS}]")
    assert "needs -closure" in _error(tcl, "torch::optimizer_step $opt")


def _error(tcl, script):
    try:
        tcl.eval(script)
    except Exception as e:
        return e.message
    raise AssertionError(f"{script} succeeded")


def test_sparse_adam_steps_sparse_gradients_like_torch():
    g = torch.Generator().manual_seed(5)
    table0 = torch.randn(10, 4, generator=g)
    rows = [torch.sparse_coo_tensor([[1, 3, 7]], torch.randn(3, 4, generator=g), (10, 4),
                                    check_invariants=True)
            for _ in range(STEPS)]
    tcl = TorchTcl()
    table = table0.clone().requires_grad_()
    tcl.tk.call("set", "t", tcl.put(table))
    tcl.eval("set opt [torch::optimizer_sparse_adam [list $t] 0.01]")
    ref = table0.clone().requires_grad_()
    opt = torch.optim.SparseAdam([ref], lr=0.01)
    for grad in rows:
        table.grad = grad.clone()            # what an embedding with sparse=True would produce
        tcl.eval("torch::optimizer_step $opt")
        ref.grad = grad.clone()
        opt.step()
    assert torch.equal(table, ref)       # (with a weight decay: tests/test_errata.py)


def test_lamb_matches_a_hand_computed_step():
    p0, g = torch.tensor([1.0, -2.0, 0.5]), torch.tensor([0.3, 0.1, -0.4])
    p = p0.clone().requires_grad_()
    opt = Lamb([p], lr=0.1, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.01)
    p.grad = g.clone()
    opt.step()
    m = 0.1 * g / (1 - 0.9)
    v = 0.001 * g * g / (1 - 0.999)
    update = m / (v.sqrt() + 1e-6) + 0.01 * p0
    trust = p0.norm() / update.norm()
    assert torch.allclose(p.detach(), p0 - 0.1 * trust * update, atol=1e-7)


def test_novograd_matches_a_hand_computed_step():
    p0 = torch.tensor([1.0, -2.0, 0.5])
    g1, g2 = torch.tensor([0.3, 0.1, -0.4]), torch.tensor([-0.2, 0.5, 0.1])
    p = p0.clone().requires_grad_()
    opt = NovoGrad([p], lr=0.1, betas=(0.95, 0.98), eps=1e-8, weight_decay=0.001)
    p.grad = g1.clone()
    opt.step()
    v1 = (g1 ** 2).sum()
    m1 = g1 / (math.sqrt(v1) + 1e-8) + 0.001 * p0
    p1 = p0 - 0.1 * m1
    assert torch.allclose(p.detach(), p1, atol=1e-7)
    p.grad = g2.clone()
    opt.step()
    v2 = 0.98 * v1 + 0.02 * (g2 ** 2).sum()
    m2 = 0.95 * m1 + g2 / (math.sqrt(v2) + 1e-8) + 0.001 * p1
    assert torch.allclose(p.detach(), p1 - 0.1 * m2, atol=1e-7)


def test_optimizer_errors_use_the_reference_texts(tcl):
    tcl("set w [torch::tensor_create {1.0 2.0} -requiresGrad true]")
    adam = ("Required parameters missing or invalid (parameters and positive learning rate "
            "required, beta values must be in [0,1), weight_decay must be non-negative)")
    assert tcl.error("torch::optimizer_adam -parameters [list $w] -lr -0.001").message == adam
    assert tcl.error("torch::optimizer_adam -lr 0.001").message == adam
    script = "torch::optimizer_adam -parameters [list $w] -lr 0.001 -beta1 1.5"
    assert tcl.error(script).message == adam
    assert tcl.error("torch::optimizer_adam {invalid_tensor} 0.001").message == \
        "Invalid parameter tensor: invalid_tensor"
    assert tcl.error("torch::optimizer_adagrad -lr 0.01").message == \
        "Required parameters missing or invalid (parameters and positive learning rate required)"
    assert tcl.error("torch::optimizer_momentum_sgd -lr 0.01 -momentum 0.9").message.startswith(
        "Required parameters missing or invalid")
    assert tcl.error("torch::optimizer_adam [list $w] 0.01 -invalid value").message == \
        "Unknown parameter: -invalid"
    # a module handle stands for all its parameters
    tcl("set l [torch::linear 3 2]")
    opt = tcl.interp.store.get(tcl("torch::optimizer_rprop -parameters $l"), "optimizer")
    module = tcl.interp.store.get(tcl("set l"), "module")
    assert opt.param_groups[0]["params"] == list(module.parameters())
