"""The loss commands against the PyTorch calls they make: values, dtype and shape on seeded random
inputs for every reduction (named, and positional by name and by the legacy number), broadcasting,
non-contiguous and empty inputs, each command in its positional and named syntax and by its
camelCase name, autograd, and the pages' error texts. dice_loss, tversky_loss and focal_loss have
no PyTorch function: they are checked against their formulas written out here another way
(sample by sample), and against values worked out by hand."""

import functools
import math

import pytest
import torch
import torch.nn.functional as F
from conftest import assert_same, check_case, rnd

F64 = torch.float64
CODE = {"none": 0, "mean": 1, "sum": 2}     # the positional syntax's legacy reduction numbers


_same = functools.partial(assert_same, equal_nan=True)


def signs(g, *shape):
    """Labels of 1 and -1 (floats)."""
    return torch.randint(0, 2, shape, generator=g).float() * 2 - 1


def bits(g, *shape, dtype=torch.float32):
    return torch.randint(0, 2, shape, generator=g).to(dtype)


def classes(g, n, c, *more):
    return torch.randint(0, c, (n, *more), generator=g)


def probs(g, *shape):
    return torch.sigmoid(rnd(g, *shape))


def reduce(loss, reduction):
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


# The three losses PyTorch lacks, written sample by sample from the pages' formulas.
def dice_ref(x, t, smooth=1.0, reduction="mean"):
    rows = x.reshape(1, -1) if x.dim() < 2 else x
    trows = t.reshape(1, -1) if t.dim() < 2 else t
    out = []
    for xi, ti in zip(rows, trows, strict=True):
        p, ti = torch.sigmoid(xi).flatten(), ti.flatten().to(xi.dtype)
        out.append(1 - (2 * torch.dot(p, ti) + smooth) / (p.sum() + ti.sum() + smooth))
    return reduce(torch.stack(out), reduction)


def tversky_ref(x, t, alpha=0.7, beta=0.3, smooth=1.0, reduction="mean"):
    rows = x.reshape(1, -1) if x.dim() < 2 else x
    trows = t.reshape(1, -1) if t.dim() < 2 else t
    out = []
    for xi, ti in zip(rows, trows, strict=True):
        p, ti = torch.sigmoid(xi).flatten(), ti.flatten().to(xi.dtype)
        tp, fp, fn = torch.dot(p, ti), torch.dot(p, 1 - ti), torch.dot(1 - p, ti)
        out.append(1 - (tp + smooth) / (tp + alpha * fp + beta * fn + smooth))
    return reduce(torch.stack(out), reduction)


def focal_ref(x, t, alpha=1.0, gamma=2.0, reduction="mean"):
    logp = F.log_softmax(x, dim=1).gather(1, t.unsqueeze(1)).squeeze(1)
    return reduce(-alpha * (1 - logp.exp()) ** gamma * logp, reduction)


def euclidean(a, b):
    return (a - b).pow(2).sum(-1).sqrt()


# (id, inputs (a function of a seeded generator), scripts ({r}: the reduction's name, {n}: its
#  legacy number) that must all give `expected`, expected (of the inputs and `reduction`),
#  differentiable). Each case runs once per reduction.
CASES = [
    ("mse_loss", lambda g: {"x": rnd(g, 3, 4), "t": rnd(g, 3, 4)},
     ["torch::mse_loss $x $t {r}", "torch::mseLoss -input $x -target $t -reduction {r}",
      "torch::mse_loss $x $t {n}"], lambda x, t, reduction: F.mse_loss(x, t, reduction=reduction),
     True),
    ("l1_loss", lambda g: {"x": rnd(g, 4, 3).mT, "t": rnd(g, 3, 4)},
     ["torch::l1_loss $x $t {r}", "torch::l1Loss -input $x -target $t -reduction {r}",
      "torch::l1_loss -target $t -input $x -reduction {n}"],
     lambda x, t, reduction: F.l1_loss(x, t, reduction=reduction), True),
    ("l1_loss-f64", lambda g: {"x": rnd(g, 5, dtype=F64), "t": rnd(g, 5, dtype=F64)},
     ["torch::l1_loss $x $t {r}"], lambda x, t, reduction: F.l1_loss(x, t, reduction=reduction),
     True),
    ("soft_margin_loss", lambda g: {"x": rnd(g, 2, 5), "t": signs(g, 2, 5)},
     ["torch::soft_margin_loss $x $t {r}",
      "torch::softMarginLoss -input $x -target $t -reduction {r}"],
     lambda x, t, reduction: F.soft_margin_loss(x, t, reduction=reduction), True),
    ("multilabel_margin_loss",
     lambda g: {"x": rnd(g, 3, 4), "t": torch.tensor([[3, 0, -1, 1], [0, 1, 2, 3], [1, -1, 0, 0]])},
     ["torch::multilabel_margin_loss $x $t {r}", "torch::multilabel_margin_loss $x $t {n}",
      "torch::multilabelMarginLoss -input $x -target $t -reduction {r}"],
     lambda x, t, reduction: F.multilabel_margin_loss(x, t, reduction=reduction), True),
    ("multilabel_soft_margin_loss", lambda g: {"x": rnd(g, 3, 4), "t": bits(g, 3, 4)},
     ["torch::multilabel_soft_margin_loss $x $t {r}",
      "torch::multilabelSoftMarginLoss -input $x -target $t -reduction {r}"],
     lambda x, t, reduction: F.multilabel_soft_margin_loss(x, t, reduction=reduction), True),
    ("multilabel_soft_margin_loss-weight",
     lambda g: {"x": rnd(g, 3, 4), "t": bits(g, 3, 4), "w": torch.rand(4, generator=g)},
     ["torch::multilabel_soft_margin_loss -input $x -target $t -weight $w -reduction {r}"],
     lambda x, t, w, reduction: F.multilabel_soft_margin_loss(x, t, weight=w,
                                                              reduction=reduction), True),
    ("cross_entropy_loss", lambda g: {"x": rnd(g, 4, 3), "t": classes(g, 4, 3)},
     ["torch::cross_entropy_loss $x $t {r}",
      "torch::crossEntropyLoss -input $x -target $t -reduction {r}"],
     lambda x, t, reduction: F.cross_entropy(x, t, reduction=reduction), True),
    ("nll_loss", lambda g: {"x": F.log_softmax(rnd(g, 4, 3), 1), "t": classes(g, 4, 3)},
     ["torch::nll_loss $x $t {r}", "torch::nllLoss -input $x -target $t -reduction {r}",
      "torch::nll_loss $x $t none {r}", "torch::nll_loss $x $t {n}"],
     lambda x, t, reduction: F.nll_loss(x, t, reduction=reduction), True),
    ("nll_loss-weight", lambda g: {"x": F.log_softmax(rnd(g, 5, 3, dtype=F64), 1),
                                   "t": classes(g, 5, 3),
                                   "w": torch.rand(3, generator=g, dtype=F64)},
     ["torch::nll_loss $x $t $w {r}", "torch::nll_loss -input $x -target $t -weight $w "
      "-reduction {r}"],
     lambda x, t, w, reduction: F.nll_loss(x, t, weight=w, reduction=reduction), True),
    ("nll_loss-ignore", lambda g: {"x": F.log_softmax(rnd(g, 2, 3, 4), 1),
                                   "t": classes(g, 2, 3, 4), "w": torch.rand(3, generator=g)},
     ["torch::nll_loss $x $t $w 1 {r}", "torch::nll_loss -input $x -target $t -weight $w "
      "-ignoreIndex 1 -reduction {r}", "torch::nll_loss $x $t $w -ignore_index 1 -reduction {r}"],
     lambda x, t, w, reduction: F.nll_loss(x, t, weight=w, ignore_index=1, reduction=reduction),
     True),
    ("multi_margin_loss", lambda g: {"x": rnd(g, 4, 3), "t": classes(g, 4, 3)},
     ["torch::multi_margin_loss $x $t 1 1.0 {r}", "torch::multi_margin_loss $x $t 1 1 {n}",
      "torch::multiMarginLoss -input $x -target $t -reduction {r}"],
     lambda x, t, reduction: F.multi_margin_loss(x, t, reduction=reduction), True),
    ("multi_margin_loss-p2", lambda g: {"x": rnd(g, 4, 3), "t": classes(g, 4, 3),
                                        "w": torch.rand(3, generator=g)},
     ["torch::multi_margin_loss -input $x -target $t -p 2 -margin 0.5 -weight $w -reduction {r}"],
     lambda x, t, w, reduction: F.multi_margin_loss(x, t, p=2, margin=0.5, weight=w,
                                                    reduction=reduction), True),
    # the page's flat scores: N * C numbers and N labels are N rows
    ("multi_margin_loss-flat", lambda g: {"x": rnd(g, 6), "t": classes(g, 2, 3)},
     ["torch::multi_margin_loss $x $t 1 1.0 {r}"],
     lambda x, t, reduction: F.multi_margin_loss(x.reshape(2, 3), t, reduction=reduction), True),
    ("focal_loss", lambda g: {"x": rnd(g, 5, 3), "t": classes(g, 5, 3)},
     ["torch::focal_loss $x $t 1.0 2.0 {r}", "torch::focal_loss $x $t 1 2 {n}",
      "torch::focalLoss -input $x -target $t -reduction {r}"],
     lambda x, t, reduction: focal_ref(x, t, reduction=reduction), True),
    ("focal_loss-alpha-gamma", lambda g: {"x": rnd(g, 4, 3, dtype=F64), "t": classes(g, 4, 3)},
     ["torch::focal_loss $x $t 0.25 1.5 {r}",
      "torch::focal_loss -input $x -target $t -alpha 0.25 -gamma 1.5 -reduction {r}"],
     lambda x, t, reduction: focal_ref(x, t, 0.25, 1.5, reduction), True),
    ("focal_loss-is-cross-entropy", lambda g: {"x": rnd(g, 2, 4, 3), "t": classes(g, 2, 4, 3)},
     ["torch::focal_loss $x $t 1 0 {r}"],
     lambda x, t, reduction: F.cross_entropy(x, t, reduction=reduction), True),
    ("bce_loss", lambda g: {"x": probs(g, 3, 4), "t": bits(g, 3, 4)},
     ["torch::bce_loss $x $t {r}", "torch::bceLoss -input $x -target $t -reduction {r}",
      "torch::bce_loss $x $t none {n}"],
     lambda x, t, reduction: F.binary_cross_entropy(x, t, reduction=reduction), True),
    ("bce_loss-weight", lambda g: {"x": probs(g, 3, 4), "t": bits(g, 3, 4),
                                   "w": torch.rand(4, generator=g)},
     ["torch::bce_loss $x $t $w {r}", "torch::bce_loss -input $x -target $t -weight $w "
      "-reduction {r}"],
     lambda x, t, w, reduction: F.binary_cross_entropy(x, t, weight=w, reduction=reduction),
     True),
    ("dice_loss", lambda g: {"x": rnd(g, 3, 2, 4), "t": bits(g, 3, 2, 4)},
     ["torch::dice_loss $x $t 1.0 {r}", "torch::dice_loss $x $t 1 {n}",
      "torch::diceLoss -input $x -target $t -reduction {r}"],
     lambda x, t, reduction: dice_ref(x, t, reduction=reduction), True),
    ("dice_loss-smooth", lambda g: {"x": rnd(g, 5, dtype=F64), "t": bits(g, 5, dtype=F64)},
     ["torch::dice_loss $x $t 0.5 {r}", "torch::dice_loss -input $x -target $t -smooth 0.5 "
      "-reduction {r}"],
     lambda x, t, reduction: dice_ref(x, t, 0.5, reduction), True),
    ("tversky_loss", lambda g: {"x": rnd(g, 4, 6).mT, "t": bits(g, 6, 4)},
     ["torch::tversky_loss $x $t 0.7 0.3 1.0 {r}", "torch::tversky_loss $x $t 0.7 0.3 1 {n}",
      "torch::tverskyLoss -input $x -target $t -reduction {r}"],
     lambda x, t, reduction: tversky_ref(x, t, reduction=reduction), True),
    ("tversky_loss-params", lambda g: {"x": rnd(g, 2, 3, 3), "t": bits(g, 2, 3, 3)},
     ["torch::tversky_loss $x $t 0.2 0.8 2.0 {r}", "torch::tversky_loss -input $x -target $t "
      "-alpha 0.2 -beta 0.8 -smooth 2 -reduction {r}"],
     lambda x, t, reduction: tversky_ref(x, t, 0.2, 0.8, 2.0, reduction), True),
    # alpha = beta = 1/2: dice with twice the smoothing
    ("tversky_loss-is-dice", lambda g: {"x": rnd(g, 2, 5), "t": bits(g, 2, 5)},
     ["torch::tversky_loss $x $t 0.5 0.5 1 {r}"],
     lambda x, t, reduction: dice_ref(x, t, 2.0, reduction=reduction), True),
    ("hinge_embedding_loss", lambda g: {"x": rnd(g, 3, 4), "t": signs(g, 3, 4)},
     ["torch::hinge_embedding_loss $x $t 0.5 {r}",
      "torch::hingeEmbeddingLoss -input $x -target $t -margin 0.5 -reduction {r}"],
     lambda x, t, reduction: F.hinge_embedding_loss(x, t, margin=0.5, reduction=reduction),
     True),
    ("hinge_embedding_loss-default", lambda g: {"x": rnd(g, 6), "t": signs(g, 6)},
     ["torch::hinge_embedding_loss $x $t 1.0 {r}", "torch::hinge_embedding_loss $x $t 1 {n}"],
     lambda x, t, reduction: F.hinge_embedding_loss(x, t, reduction=reduction), True),
    ("huber_loss", lambda g: {"x": 2 * rnd(g, 3, 4), "t": rnd(g, 3, 4)},
     ["torch::huber_loss $x $t {r} 0.5", "torch::huberLoss -input $x -target $t -reduction {r} "
      "-delta 0.5"],
     lambda x, t, reduction: F.huber_loss(x, t, reduction=reduction, delta=0.5), True),
    ("smooth_l1_loss", lambda g: {"x": 2 * rnd(g, 4, 3).mT, "t": rnd(g, 3, 4)},
     ["torch::smooth_l1_loss $x $t {r} 0.3", "torch::smoothL1Loss -input $x -target $t "
      "-beta 0.3 -reduction {r}"],
     lambda x, t, reduction: F.smooth_l1_loss(x, t, reduction=reduction, beta=0.3), True),
    ("smooth_l1_loss-default", lambda g: {"x": 2 * rnd(g, 5), "t": rnd(g, 5)},
     ["torch::smooth_l1_loss $x $t {r}", "torch::smooth_l1_loss $x $t {n} 1.0"],
     lambda x, t, reduction: F.smooth_l1_loss(x, t, reduction=reduction), True),
    ("gaussian_nll_loss", lambda g: {"x": rnd(g, 3, 4), "t": rnd(g, 3, 4),
                                     "v": torch.rand(3, 4, generator=g) + 0.1},
     ["torch::gaussian_nll_loss $x $t $v 0 1e-6 {r}",
      "torch::gaussian_nll_loss $x $t $v 0 1e-6 {n}",
      "torch::gaussianNllLoss -input $x -target $t -var $v -reduction {r}"],
     lambda x, t, v, reduction: F.gaussian_nll_loss(x, t, v, reduction=reduction), True),
    # one variance per row (PyTorch broadcasts a last dimension of 1), full, a larger eps
    ("gaussian_nll_loss-full", lambda g: {"x": rnd(g, 3, 4, dtype=F64),
                                          "t": rnd(g, 3, 4, dtype=F64),
                                          "v": torch.rand(3, 1, generator=g, dtype=F64) / 10},
     ["torch::gaussian_nll_loss $x $t $v 1 0.05 {r}", "torch::gaussian_nll_loss -input $x "
      "-target $t -var $v -full true -eps 0.05 -reduction {r}"],
     lambda x, t, v, reduction: F.gaussian_nll_loss(x, t, v, full=True, eps=0.05,
                                                    reduction=reduction), True),
    ("poisson_nll_loss", lambda g: {"x": rnd(g, 3, 4), "t": torch.poisson(
        torch.full((3, 4), 2.0), generator=g)},
     ["torch::poisson_nll_loss $x $t 1 0 {r}", "torch::poisson_nll_loss $x $t true false {n}",
      "torch::poissonNllLoss -input $x -target $t -reduction {r}"],
     lambda x, t, reduction: F.poisson_nll_loss(x, t, reduction=reduction), True),
    ("poisson_nll_loss-rates", lambda g: {"x": torch.rand(3, 4, generator=g) * 3,
                                          "t": torch.poisson(torch.full((3, 4), 2.0), generator=g)},
     ["torch::poisson_nll_loss $x $t 0 1 {r}", "torch::poisson_nll_loss -input $x -target $t "
      "-logInput false -full true -eps 1e-8 -reduction {r}"],
     lambda x, t, reduction: F.poisson_nll_loss(x, t, log_input=False, full=True,
                                                reduction=reduction), True),
    ("poisson_nll_loss-eps", lambda g: {"x": torch.rand(4, generator=g), "t": torch.poisson(
        torch.full((4,), 1.0), generator=g)},
     ["torch::poisson_nll_loss -input $x -target $t -log_input 0 -eps 0.1 -reduction {r}"],
     lambda x, t, reduction: F.poisson_nll_loss(x, t, log_input=False, eps=0.1,
                                                reduction=reduction), True),
    ("kl_div_loss", lambda g: {"x": F.log_softmax(rnd(g, 3, 4), 1),
                               "t": F.softmax(rnd(g, 3, 4), 1)},
     ["torch::kl_div_loss $x $t {r}", "torch::kl_div_loss $x $t {n} 0",
      "torch::klDivLoss -input $x -target $t -reduction {r} -logTarget false"],
     lambda x, t, reduction: torch.kl_div(x, t, CODE[reduction]), True),
    ("kl_div_loss-log-target", lambda g: {"x": F.log_softmax(rnd(g, 2, 5, dtype=F64), 1),
                                          "t": F.log_softmax(rnd(g, 2, 5, dtype=F64), 1)},
     ["torch::kl_div_loss $x $t {r} 1", "torch::kl_div_loss -input $x -target $t "
      "-reduction {r} -log_target true"],
     lambda x, t, reduction: torch.kl_div(x, t, CODE[reduction], log_target=True), True),
    ("margin_ranking_loss", lambda g: {"a": rnd(g, 6), "b": rnd(g, 6), "t": signs(g, 6)},
     ["torch::margin_ranking_loss $a $b $t 0.3 {r}", "torch::margin_ranking_loss $a $b $t 0.3 {n}",
      "torch::marginRankingLoss -input1 $a -input2 $b -target $t -margin 0.3 -reduction {r}"],
     lambda a, b, t, reduction: F.margin_ranking_loss(a, b, t, margin=0.3, reduction=reduction),
     True),
    ("margin_ranking_loss-default", lambda g: {"a": rnd(g, 6), "b": rnd(g, 6), "t": signs(g, 6)},
     ["torch::margin_ranking_loss $a $b $t 0 {r}"],
     lambda a, b, t, reduction: F.margin_ranking_loss(a, b, t, reduction=reduction), True),
    ("cosine_embedding_loss", lambda g: {"a": rnd(g, 4, 3), "b": rnd(g, 3, 4).mT,
                                         "t": signs(g, 4)},
     ["torch::cosine_embedding_loss $a $b $t 0.2 {r}",
      "torch::cosine_embedding_loss $a $b $t 0.2 {n}",
      "torch::cosineEmbeddingLoss -input1 $a -input2 $b -target $t -margin 0.2 -reduction {r}"],
     lambda a, b, t, reduction: F.cosine_embedding_loss(a, b, t, margin=0.2, reduction=reduction),
     True),
    ("cosine_embedding_loss-default", lambda g: {"a": rnd(g, 4, 3), "b": rnd(g, 4, 3),
                                                 "t": signs(g, 4)},
     ["torch::cosine_embedding_loss $a $b $t 0.0 {r}"],
     lambda a, b, t, reduction: F.cosine_embedding_loss(a, b, t, reduction=reduction), True),
    ("triplet_margin_loss", lambda g: {"a": rnd(g, 4, 5), "p": rnd(g, 4, 5), "n": rnd(g, 4, 5)},
     ["torch::triplet_margin_loss $a $p $n 0.5 1.0 {r}",
      "torch::triplet_margin_loss $a $p $n 0.5 1 {n}",
      "torch::tripletMarginLoss -anchor $a -positive $p -negative $n -margin 0.5 -p 1 "
      "-reduction {r}"],
     lambda a, p, n, reduction: F.triplet_margin_loss(a, p, n, margin=0.5, p=1,
                                                      reduction=reduction), True),
    ("triplet_margin_loss-swap", lambda g: {"a": rnd(g, 4, 5), "p": rnd(g, 4, 5),
                                            "n": rnd(g, 4, 5)},
     ["torch::triplet_margin_loss -anchor $a -positive $p -negative $n -swap 1 -eps 0.01 "
      "-reduction {r}", "torch::triplet_margin_loss $a $p $n 1.0 2.0 {r} -swap true -eps 0.01"],
     lambda a, p, n, reduction: F.triplet_margin_loss(a, p, n, swap=True, eps=0.01,
                                                      reduction=reduction), True),
    ("triplet_margin_with_distance_loss", lambda g: {"a": rnd(g, 4, 5), "p": rnd(g, 4, 5),
                                                     "n": rnd(g, 4, 5)},
     ["torch::triplet_margin_with_distance_loss $a $p $n euclidean 1.0 {r}",
      "torch::triplet_margin_with_distance_loss $a $p $n 2 1 {n}",
      "torch::tripletMarginWithDistanceLoss -anchor $a -positive $p -negative $n "
      "-reduction {r}"],
     lambda a, p, n, reduction: F.triplet_margin_with_distance_loss(
         a, p, n, distance_function=euclidean, reduction=reduction), True),
    ("triplet_margin_with_distance_loss-cosine", lambda g: {"a": rnd(g, 4, 5), "p": rnd(g, 4, 5),
                                                            "n": rnd(g, 4, 5)},
     ["torch::triplet_margin_with_distance_loss $a $p $n cosine 0.2 {r}",
      "torch::triplet_margin_with_distance_loss $a $p $n 0 0.2 {n}",
      "torch::triplet_margin_with_distance_loss -anchor $a -positive $p -negative $n "
      "-distanceFunction cosine -margin 0.2 -reduction {r}"],
     lambda a, p, n, reduction: F.triplet_margin_with_distance_loss(
         a, p, n, distance_function=lambda x, y: 1 - F.cosine_similarity(x, y), margin=0.2,
         reduction=reduction), True),
    ("triplet_margin_with_distance_loss-pairwise", lambda g: {"a": rnd(g, 4, 5),
                                                              "p": rnd(g, 4, 5),
                                                              "n": rnd(g, 4, 5)},
     ["torch::triplet_margin_with_distance_loss $a $p $n pairwise 0.5 {r}",
      "torch::triplet_margin_with_distance_loss $a $p $n 1 0.5 {n}",
      "torch::triplet_margin_with_distance_loss -anchor $a -positive $p -negative $n "
      "-distance_function pairwise -margin 0.5 -reduction {r}"],
     lambda a, p, n, reduction: F.triplet_margin_with_distance_loss(
         a, p, n, margin=0.5, reduction=reduction), True),
]


def _expand(cases):
    for name, make, scripts, expected, grad in cases:
        for r in ("mean", "sum", "none"):
            texts = [s.format(r=r, n=CODE[r]) for s in scripts]

            def want(_expected=expected, _r=r, **inputs):
                return _expected(reduction=_r, **inputs)
            yield (f"{name}-{r}", make, texts, want, grad)


ALL = list(_expand(CASES))


@pytest.mark.parametrize("case", ALL, ids=[c[0] for c in ALL])
def test_matches_torch(shared, case):
    check_case(shared, case, _same)


GRAD = [c for c in ALL if c[4] and c[0].endswith("-sum")]


@pytest.mark.parametrize("case", GRAD, ids=[c[0] for c in GRAD])
def test_autograd(shared, case):
    """The loss carries a grad_fn, and its gradients with respect to the inputs (not the targets
    or weights, which several PyTorch losses do not differentiate) are PyTorch's (or the
    formula's)."""
    tcl = shared
    _, make, scripts, expected, _ = case
    inputs = make(torch.Generator().manual_seed(11))
    leaves = {k: v.detach().clone().requires_grad_(v.is_floating_point() and k not in "tw")
              for k, v in inputs.items()}
    twins = {k: v.detach().clone().requires_grad_(leaves[k].requires_grad)
             for k, v in inputs.items()}
    tcl.load(leaves)
    got = tcl.interp.tensor(tcl(scripts[0]))
    assert got.grad_fn is not None
    got.backward()
    expected(**twins).backward()
    for k, leaf in leaves.items():
        if leaf.requires_grad:
            torch.testing.assert_close(leaf.grad, twins[k].grad, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name, call", [
    ("mse_loss", F.mse_loss), ("l1_loss", F.l1_loss), ("huber_loss", F.huber_loss),
    ("smooth_l1_loss", F.smooth_l1_loss)])
def test_a_target_that_broadcasts_works_with_pytorchs_warning(shared, name, call):
    tcl = shared
    g = torch.Generator().manual_seed(5)
    x, t = rnd(g, 3, 4), rnd(g, 1, 4)
    tcl.load({"x": x, "t": t})
    with pytest.warns(UserWarning, match="target size"):
        got = tcl.interp.tensor(tcl(f"torch::{name} $x $t none"))
    with pytest.warns(UserWarning, match="target size"):
        want = call(x, t, reduction="none")
    _same(got, want)


def test_broadcasting_where_pytorch_does_it_silently(shared):
    """bce's weight, and the dice and tversky target, broadcast to the input's shape (the
    gaussian_nll variance of one per row is a case above)."""
    tcl = shared
    g = torch.Generator().manual_seed(6)
    x, t, w, m = probs(g, 3, 4), bits(g, 3, 4), torch.rand(3, 1, generator=g), bits(g, 1, 4)
    tcl.load({"x": x, "t": t, "w": w, "m": m})
    _same(tcl.interp.tensor(tcl("torch::bce_loss $x $t $w none")),
          F.binary_cross_entropy(x, t, weight=w, reduction="none"))
    _same(tcl.interp.tensor(tcl("torch::dice_loss $x $m 1 none")),
          dice_ref(x, m.expand(3, 4), reduction="none"))
    _same(tcl.interp.tensor(tcl("torch::tversky_loss $x $m -reduction none")),
          tversky_ref(x, m.expand(3, 4), reduction="none"))


def test_empty_inputs(shared):
    tcl = shared
    x, t = torch.zeros(0, 3), torch.zeros(0, 3)
    tcl.load({"x": x, "t": t})
    _same(tcl.interp.tensor(tcl("torch::l1_loss $x $t sum")), F.l1_loss(x, t, reduction="sum"))
    _same(tcl.interp.tensor(tcl("torch::mse_loss $x $t none")), F.mse_loss(x, t, reduction="none"))
    assert tcl.interp.tensor(tcl("torch::dice_loss $x $t 1 none")).shape == (0,)
    assert tcl("torch::tensor_item [torch::dice_loss $x $t 1 sum]") == "0.000000"


def test_results_are_meaningful(tcl):
    """Values worked out by hand, so the comparisons above cannot agree on nonsense."""
    tcl("set z [torch::tensor_create {0.0 0.0}]; set y [torch::tensor_create {1.0 0.0}]")
    # sigmoid(0) = 1/2: dice 1 - (2 * 0.5 + 1) / (1 + 1 + 1) = 1/3
    assert tcl("torch::tensor_item [torch::dice_loss $z $y]") == "0.333333"
    # TP = FP = FN = 1/2: 1 - 1.5 / (0.5 + 0.35 + 0.15 + 1) = 0.25
    assert tcl("torch::tensor_item [torch::tversky_loss $z $y]") == "0.250000"
    # two equal logits: p_t = 1/2, loss = (1/2)^2 * ln 2
    tcl("set logits [torch::zeros {1 2}]; set c [torch::tensor_create {0} int64]")
    assert float(tcl("torch::tensor_item [torch::focal_loss $logits $c]")) == \
        pytest.approx(math.log(2) / 4, abs=1e-6)
    assert float(tcl("torch::tensor_item [torch::focal_loss $logits $c 0.5 0]")) == \
        pytest.approx(math.log(2) / 2, abs=1e-6)
    tcl("set p [torch::tensor_create {0.8 0.2 0.3 0.9}]; set b [torch::tensor_create {1 0 0 1.0}]")
    # -(ln 0.8 + ln 0.8 + ln 0.7 + ln 0.9) / 4
    assert float(tcl("torch::tensor_item [torch::bce_loss $p $b]")) == \
        pytest.approx(-(2 * math.log(0.8) + math.log(0.7) + math.log(0.9)) / 4, abs=1e-6)
    tcl("set a [torch::tensor_create {{0.0 0.0}}]; set q [torch::tensor_create {{3.0 4.0}}]")
    # euclidean distances 5 and 0: max(0, 5 - 0 + 1) = 6
    assert tcl("torch::tensor_item [torch::triplet_margin_with_distance_loss $a $q $a]") == \
        "6.000000"


def test_per_sample_shapes(tcl):
    """`none` gives one loss per sample for dice, tversky and focal (the first dimension)."""
    tcl("set x [torch::randn {4 2 3}]; set t [torch::zeros {4 2 3}]")
    assert tcl("torch::tensor_shape [torch::dice_loss $x $t -reduction none]") == "4"
    assert tcl("torch::tensor_shape [torch::tversky_loss $x $t -reduction none]") == "4"
    tcl("set v [torch::randn {5}]; set u [torch::ones {5}]")
    assert tcl("torch::tensor_shape [torch::dice_loss $v $u -reduction none]") == "1"
    tcl("set s [torch::randn {3 4 2}]; set c [torch::zeros {3 2} -dtype int64]")
    assert tcl("torch::tensor_shape [torch::focal_loss $s $c -reduction none]") == "3 2"


def test_kl_div_batchmean_and_no_warning(tcl):
    g = torch.Generator().manual_seed(3)
    x, t = F.log_softmax(rnd(g, 3, 4), 1), F.softmax(rnd(g, 3, 4), 1)
    tcl.load({"x": x, "t": t})
    _same(tcl.interp.tensor(tcl("torch::kl_div_loss $x $t batchmean")),
          F.kl_div(x, t, reduction="batchmean"))
    # `mean` (the default): PyTorch's warning about it is not passed on (warnings are errors here)
    _same(tcl.interp.tensor(tcl("torch::kl_div_loss -input $x -target $t")),
          torch.kl_div(x, t, 1))


# The pages' error texts, and PyTorch's where a page names one.
ERRORS = [
    ("torch::bce_loss -input $x", "Required parameters -input and -target must be provided"),
    ("torch::bce_loss -input $x -target $x -invalid value",
     "Unknown parameter: -invalid"),
    ("torch::cosine_embedding_loss -input1 $m -input2 $m",
     "Required parameters -input1, -input2, and -target must be provided"),
    ("torch::cosine_embedding_loss -input1 $m -input2 $m -target $s -invalid value",
     "Unknown parameter: -invalid"),
    ("torch::dice_loss -input $x", "Required parameters -input and -target must be provided"),
    ("torch::dice_loss -input $x -target $x -smooth invalid", "Invalid smooth parameter value"),
    ("torch::focal_loss -input $m", "Required parameters -input and -target must be provided"),
    ("torch::focal_loss -input $m -target $c -reduction invalid",
     "Invalid reduction type: invalid"),
    ("torch::focal_loss invalid_input $c", "Invalid input tensor name"),
    ("torch::focal_loss $m $s", "Target tensor must hold class indices (int64), not float32 "
     "values"),
    ("torch::gaussian_nll_loss -input $x -target $x",
     "Required parameters -input, -target, and -var must be provided"),
    ("torch::gaussian_nll_loss -input $x -target $x -var $x -reduction invalid",
     "Invalid reduction type: invalid"),
    ("torch::gaussian_nll_loss invalid_input $x $x", "Invalid input tensor name"),
    ("torch::hinge_embedding_loss -input $x",
     "Required parameters -input and -target must be provided"),
    ("torch::huber_loss -target $x", "Required parameters -input and -target must be provided"),
    ("torch::huber_loss invalid $x", "Invalid input tensor name"),
    ("torch::huber_loss -input $x -target $x -unknown value", "Unknown parameter: -unknown"),
    ("torch::kl_div_loss -input $x -target $x -reduction invalid",
     "Invalid reduction type: invalid"),
    ("torch::l1_loss -input invalid_tensor -target $x", "Invalid input tensor name"),
    ("torch::margin_ranking_loss -input1 $x -input2 $x",
     "Required parameters -input1, -input2, and -target must be provided"),
    ("torch::margin_ranking_loss invalid $x $x", "Invalid input1 tensor name"),
    ("torch::multi_margin_loss -input $m -target $c -p 3", "only p == 1 and p == 2 supported"),
    ("torch::multilabel_margin_loss $m $c 3", "Invalid reduction type: 3"),
    ("torch::nll_loss -input $x", "Required parameters -input and -target must be provided"),
    ("torch::nll_loss $m $c nosuch", "Invalid reduction type: nosuch"),
    ("torch::nll_loss $m $c nosuch sum", "Invalid weight tensor name"),
    ("torch::poisson_nll_loss -input invalid -target $x", "Invalid input tensor name"),
    ("torch::smooth_l1_loss -input $x -target $x -beta invalid", "Invalid beta parameter value"),
    ("torch::soft_margin_loss -input invalid -target $x", "Invalid input tensor name"),
    ("torch::triplet_margin_loss -anchor $m -positive $m",
     "Required parameters -anchor, -positive, and -negative must be provided"),
    ("torch::triplet_margin_loss -anchor invalid -positive $m -negative $m",
     "Invalid anchor tensor name"),
    ("torch::triplet_margin_with_distance_loss -anchor $m -positive $m",
     "Required parameters -anchor, -positive, and -negative must be provided"),
    ("torch::triplet_margin_with_distance_loss -anchor invalid -positive $m -negative $m",
     "Invalid anchor tensor name"),
    ("torch::triplet_margin_with_distance_loss $m $m $m manhattan",
     'bad value "manhattan": must be euclidean, pairwise, cosine'),
    ("torch::tversky_loss $x", "Required parameters -input and -target must be provided"),
    ("torch::tversky_loss invalid $x", "Invalid input tensor name"),
    ("torch::tversky_loss -input $x -target $x -alpha", "Missing value for parameter -alpha"),
]


@pytest.mark.parametrize("script, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_error_texts(shared, script, message):
    tcl = shared
    tcl("set x [torch::ones {4}]; set m [torch::ones {2 3}]; set s [torch::ones {2}]; "
        "set c [torch::tensor_create {0 1} int64]")
    assert tcl.error(script).message == message
