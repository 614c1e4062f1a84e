"""Model utilities against PyTorch: dropout layers, embedding lookups and bags under the same
seed, parameter counts, train / eval modes (dropout and batch norm switch as Module.train() and
.eval() switch them) and the model summary, each command in its positional and named syntax and
by its camelCase name, with the pages' error texts."""

import re

import pytest
import torch
import torch.nn.functional as F
from conftest import rnd


def _module(tcl, script):
    return tcl.interp.store.get(tcl(script), "module")


def _forward(tcl, layer, x):
    return tcl.interp.tensor(tcl(f"torch::layer_forward {layer} {tcl.interp.put(x)}"))


# --- dropout --------------------------------------------------------------------------------------
@pytest.mark.parametrize("script, p, training, inplace", [
    ("torch::dropout", 0.5, True, False),
    ("torch::dropout 0.3", 0.3, True, False),
    ("torch::dropout 0.2 false true", 0.2, False, True),
    ("torch::dropout -p 0.25 -training 1 -inplace 0", 0.25, True, False),
    ("torch::dropout -training false", 0.5, False, False),
])
def test_dropout_layer(shared, script, p, training, inplace):
    layer = _module(shared, f"set d [{script}]")
    assert isinstance(layer, torch.nn.Dropout)
    assert (layer.p, layer.training, layer.inplace) == (p, training, inplace)
    want = torch.nn.Dropout(p).train(training)
    x = rnd(1, 6, 8) + 3
    shared("torch::manual_seed 11")
    got = _forward(shared, "$d", x.clone())
    torch.manual_seed(11)
    assert torch.equal(got, want(x.clone()))


def test_dropout_follows_train_and_eval(shared):
    """Training mode zeroes elements (and scales the rest by 1/(1-p)); eval mode is identity."""
    tcl = shared
    tcl("set d [torch::dropout 0.5]")
    x = torch.ones(50, 40)
    assert tcl("torch::model_eval $d") == tcl("set d")
    assert torch.equal(_forward(tcl, "$d", x), x)
    assert tcl("torch::modelTrain -model $d") == tcl("set d")
    got = _forward(tcl, "$d", x)
    zeros = (got == 0).float().mean().item()
    assert 0.4 < zeros < 0.6 and set(got.unique().tolist()) == {0.0, 2.0}


# --- train / eval on a whole model ----------------------------------------------------------------
def test_train_eval_switch_every_layer(shared):
    tcl = shared
    tcl("torch::manual_seed 5; set l1 [torch::linear 4 6]; set bn [torch::batch_norm1d 6]; "
        "set dr [torch::dropout 0.5]; set l2 [torch::linear 6 2]; "
        "set m [torch::sequential [list $l1 $bn $dr $l2]]")
    model = tcl.interp.store.get(tcl("set m"), "module")
    torch.manual_seed(5)
    want = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.BatchNorm1d(6),
                               torch.nn.Dropout(0.5), torch.nn.Linear(6, 2))
    x = rnd(2, 8, 4)
    # training: batch statistics, running statistics updated, dropout random (same seed alike)
    assert tcl("torch::model_train $m") == tcl("set m")
    assert all(mod.training for mod in model.modules())
    tcl("torch::manual_seed 9")
    got = _forward(tcl, "$m", x)
    torch.manual_seed(9)
    want.train()
    torch.testing.assert_close(got, want(x))
    assert torch.equal(model[1].running_mean, want[1].running_mean)
    assert model[1].num_batches_tracked.item() == 1
    # evaluation: running statistics, no dropout, nothing updated, the same output every time
    assert tcl("torch::model_eval -model $m") == tcl("set m")
    assert not any(mod.training for mod in model.modules())
    want.eval()
    before = model[1].running_mean.clone()
    first = _forward(tcl, "$m", x)
    torch.testing.assert_close(first, want(x))
    assert torch.equal(first, _forward(tcl, "$m", x))
    assert torch.equal(model[1].running_mean, before)
    assert model[1].num_batches_tracked.item() == 1
    assert tcl("torch::modelEval $m") == tcl("set m")


# --- embeddings -----------------------------------------------------------------------------------
@pytest.mark.parametrize("script, num, dim, padding", [
    ("torch::embedding $i 10 4", 10, 4, None),
    ("torch::embedding $i 10 4 0", 10, 4, 0),
    ("torch::embedding -input $i -num_embeddings 7 -embedding_dim 3 -padding_idx 2", 7, 3, 2),
    ("torch::Embedding -tensor $i -numEmbeddings 7 -embeddingDim 3", 7, 3, None),
    ("torch::embedding -input $i -numEmbeddings 7 -embeddingDim 3 -paddingIdx -1", 7, 3, None),
    ("torch::embedding $i 7 3 -2", 7, 3, -2),
])
def test_embedding(shared, script, num, dim, padding):
    idx = torch.tensor([[0, 2, 5], [6, 0, 1]])
    shared(f"set i {shared.interp.put(idx)}; torch::manual_seed 21")
    got = shared.interp.tensor(shared(script))
    torch.manual_seed(21)
    want = torch.nn.Embedding(num, dim, padding_idx=padding)(idx)
    assert got.shape == (2, 3, dim) and got.dtype == torch.float32
    assert torch.equal(got, want) and got.grad_fn is not None
    if padding is not None:
        assert not got[idx == padding % num].any()


EB_INPUT = torch.tensor([0, 2, 1, 3, 3, 0])
EB_OFFSETS = torch.tensor([0, 2, 2, 5])


@pytest.mark.parametrize("script, mode, weighted", [
    ("torch::embedding_bag $i $w $o 0", "sum", False),
    ("torch::embedding_bag $i $w $o 1", "mean", False),
    ("torch::embeddingBag -input $i -weight $w -offsets $o -mode 2", "max", False),
    ("torch::embedding_bag -input $i -weight $w -offsets $o -mode 0 -per_sample_weights $s",
     "sum", True),
    ("torch::embedding_bag $i $w $o 0 $s", "sum", True),
])
def test_embedding_bag(shared, script, mode, weighted):
    w = rnd(3, 4, 5).requires_grad_()
    s = rnd(4, 6)
    shared(f"set i {shared.interp.put(EB_INPUT)}; set w {shared.interp.put(w)}; "
           f"set o {shared.interp.put(EB_OFFSETS)}; set s {shared.interp.put(s)}")
    got = shared.interp.tensor(shared(script))
    want = F.embedding_bag(EB_INPUT, w, EB_OFFSETS, mode=mode,
                           per_sample_weights=s if weighted else None)
    assert got.shape == (4, 5)           # bag 1 is empty: zeros
    torch.testing.assert_close(got, want)
    assert got.grad_fn is not None


# --- counting and summarising ---------------------------------------------------------------------
def test_count_parameters(shared):
    tcl = shared
    assert tcl("torch::count_parameters [torch::linear 10 5]") == "55"
    assert tcl("torch::countParameters -model [torch::linear 100 50 false]") == "5000"
    tcl("set m [torch::sequential [list [torch::linear 784 128] [torch::linear 128 64] "
        "[torch::linear 64 10]]]")
    assert tcl("torch::count_parameters -model $m") == "109386"
    # only trainable values count; a frozen one does not
    model = tcl.interp.store.get(tcl("set m"), "module")
    model[0].bias.requires_grad_(False)
    assert tcl("torch::count_parameters $m") == str(109386 - 128)
    want = sum(p.numel() for p in model.parameters() if p.requires_grad)
    assert tcl("torch::count_parameters $m") == str(want)
    # a layer used twice counts once, as Module.parameters() lists it once
    assert tcl("set l [torch::linear 3 3]; "
               "torch::count_parameters [torch::sequential [list $l $l]]") == "12"


def test_model_summary_counts(shared):
    tcl = shared
    tcl("set m [torch::sequential [list [torch::linear 10 5] [torch::linear 5 1]]]")
    text = tcl("torch::model_summary $m")
    assert text.splitlines()[:4] == ["Model Summary:", "Total parameters: 61",
                                     "Trainable parameters: 61", "Non-trainable parameters: 0"]
    assert tcl("torch::modelSummary -model $m") == text
    model = tcl.interp.store.get(tcl("set m"), "module")
    model[1].weight.requires_grad_(False)
    lines = tcl("torch::model_summary $m").splitlines()
    assert lines[1:4] == ["Total parameters: 61", "Trainable parameters: 56",
                          "Non-trainable parameters: 5"]
    rows = {line.split()[0]: line.split()[-1] for line in lines[7:]}
    assert rows == {"0": "55", "1": "6"}


def test_model_summary_shapes(shared):
    """Given an input shape: each layer's output shape from a forward pass, with the model's
    modes and batch norm statistics left as they were."""
    tcl = shared
    tcl("set bn [torch::batch_norm1d 6]; set lin [torch::linear 4 6]; "
        "set m [torch::sequential [list $lin $bn [torch::dropout 0.1] [torch::linear 6 3]]]")
    model = tcl.interp.store.get(tcl("set m"), "module")
    text = tcl("torch::model_summary $m {2 4}")
    assert "Output Shape" in text
    rows = [line.split() for line in text.splitlines()[7:]]
    assert rows == [["0", "(Linear)", "[2,", "6]", "30"], ["1", "(BatchNorm1d)", "[2,", "6]", "12"],
                    ["2", "(Dropout)", "[2,", "6]", "0"], ["3", "(Linear)", "[2,", "3]", "21"]]
    assert model.training and all(m.training for m in model.modules())
    assert model[1].num_batches_tracked.item() == 0 and not model[1].running_mean.any()
    assert tcl("torch::model_summary -model $m -input_shape {5 4}").count("[5, 6]") == 3
    assert tcl("torch::model_summary -model $m -inputSize {5 4} -device cpu").count("[5, 3]") == 1
    # a lone layer is its own row; an embedding model takes integer zeros
    lone = tcl("torch::model_summary [torch::linear 3 2] {1 3}").splitlines()
    assert re.match(r"model \(Linear\) +\[1, 2\] +8$", lone[-1])
    tcl("set e [torch::sequential [list [torch::layer_norm 3]]]")
    assert "[4, 3]" in tcl("torch::model_summary $e {4 3}")


# --- errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("script, message", [
    ("torch::dropout -p 1.5", "p must be between 0.0 and 1.0"),
    ("torch::dropout -p", "Named parameters must come in pairs"),
    ("torch::dropout -rate 0.3", "Unknown parameter: -rate"),
    ("torch::count_parameters -model invalid_model", "Model not found"),
    ("torch::count_parameters", "Required parameter missing: -model model_name"),
    ("torch::count_parameters -invalid_param model", "Unknown parameter: -invalid_param"),
    ("torch::model_train no_model", "Model not found"),
    ("torch::model_eval -model", "Missing value for parameter -model"),
    ("torch::model_summary -model $t", "Model not found (tensor1 is a tensor, not a module)"),
    ("torch::embedding $t 0 4", "Invalid num_embeddings: 0 (must be positive)"),
    ("torch::embedding $t 5 0", "Invalid embedding_dim: 0 (must be positive)"),
    ("torch::embedding_bag $t $t $t 5", "Invalid mode: 5 (0 sum, 1 mean or 2 max)"),
])
def test_error_texts(shared, script, message):
    shared("set t [torch::ones {2}]")
    message = message.replace("tensor1", shared("set t"))
    assert shared.error(script).message == message


def test_torch_errors_are_clean(shared):
    err = shared.error("torch::embedding [torch::tensor_create {0 1 10} int64] 5 4")
    assert "index out of range" in err.message


# --- flatten --------------------------------------------------------------------------------------
@pytest.mark.parametrize("script, start, end", [
    ("torch::nn_flatten", 1, -1),
    ("torch::nnFlatten 0", 0, -1),
    ("torch::nn_flatten -startDim 2 -endDim -2", 2, -2),
])
def test_flatten_layer(shared, script, start, end):
    x = rnd(5, 2, 3, 4, 5).transpose(1, 3)           # not contiguous
    got = _forward(shared, shared(script), x)
    assert torch.equal(got, torch.nn.Flatten(start, end)(x))


def test_a_cnn_is_one_sequential(shared):
    torch.manual_seed(3)
    want = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(), torch.nn.Flatten(),
                               torch.nn.Linear(2 * 4 * 4, 3))
    torch.manual_seed(3)
    model = shared("torch::sequential [list [torch::conv2d 1 2 3] [torch::nn_relu] "
                   "[torch::nn_flatten] [torch::linear 32 3]]")
    x = rnd(6, 5, 1, 6, 6)
    assert torch.equal(_forward(shared, model, x), want(x))
