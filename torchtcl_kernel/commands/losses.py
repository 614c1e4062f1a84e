"""Loss functions over tensor handles: torch.nn.functional's losses, and the three PyTorch has no
function for (dice_loss, tversky_loss, focal_loss), written here with differentiable torch ops.

Every loss takes `-reduction` (`mean`, `sum`, `none`, or the legacy numbers 0 none, 1 mean,
2 sum of the positional syntax) and returns a tensor handle."""

import warnings

import torch
import torch.nn.functional as F

from ..core.errors import CommandError
from ..core.registry import REQUIRED, Family, param
from ..core.types import BOOL, FLOAT, INT, OPTIONAL_TENSOR, TENSOR, CodedChoice
from .common import tensor_input

losses = Family("losses", missing="Required parameters {required} must be provided")


def tensor(name, default=REQUIRED):
    """A tensor parameter; a word that names no tensor is told as "Invalid <name> tensor name"."""
    return param(name, TENSOR, default, invalid=f"Invalid {name} tensor name")


def number(name, default):
    """A double; a word that is no number is told as "Invalid <name> parameter value"."""
    return param(name, FLOAT, default, invalid=f"Invalid {name} parameter value")


def missing(*names):
    """The pages' text for a missing tensor among three: "-a, -b, and -c"."""
    listed = ", ".join(f"-{n}" for n in names[:-1]) + f", and -{names[-1]}"
    return {"missing": f"Required parameters {listed} must be provided"}


REDUCTIONS = ("mean", "sum", "none")
LEGACY_REDUCTIONS = ("none", "mean", "sum")       # the positional syntax's 0, 1, 2
REDUCTION = param("reduction", CodedChoice(*REDUCTIONS, codes=LEGACY_REDUCTIONS), "mean",
                  invalid="Invalid reduction type: {value}")
PAIR = (tensor_input(label="input", aliases=(), invalid="Invalid input tensor name"),
        tensor("target"))
# a tensor, or none (`nll_loss $x $y none sum`)
WEIGHT = param("weight", OPTIONAL_TENSOR, None, invalid="Invalid weight tensor name")
IGNORE_INDEX = param("ignore_index", INT, -100)
TRIPLET = (tensor("anchor"), tensor("positive"), tensor("negative"))
TRIPLET_MISSING = missing("anchor", "positive", "negative")
SMOOTH = number("smooth", 1.0)
FULL = param("full", BOOL, False)
SWAP = param("swap", BOOL, False)
EPS = number("eps", 1e-6)
MARGIN_0, MARGIN_1 = number("margin", 0.0), number("margin", 1.0)     # the pages' two defaults
# `none` names no weight (`nll_loss $x $y none sum`): a third word alone is the reduction first
WEIGHTED_FORMS = ["input target ?reduction?", "input target ?weight? ?reduction?"]


def reduce(loss, reduction):
    """A per-sample loss reduced as torch.nn.functional's losses reduce theirs."""
    return loss if reduction == "none" else loss.mean() if reduction == "mean" else loss.sum()


# --- input and target alone ----------------------------------------------------------------------
def pair_loss(name, fn, doc):
    def body(input, target, reduction):
        return fn(input, target, reduction=reduction)
    body.__doc__ = doc
    losses.command(name, *PAIR, REDUCTION, returns="tensor handle")(body)


for _name, _fn, _doc in [
    ("mse_loss", F.mse_loss,
     "Mean squared error between input and target (torch.nn.functional.mse_loss). A target that "
     "only broadcasts to the input's shape works, with PyTorch's warning."),
    ("l1_loss", F.l1_loss,
     "Mean absolute error |input - target| (torch.nn.functional.l1_loss). A target that only "
     "broadcasts to the input's shape works, with PyTorch's warning."),
    ("soft_margin_loss", F.soft_margin_loss,
     "Logistic loss log(1 + exp(-target * input)) for labels of -1 and 1 "
     "(torch.nn.functional.soft_margin_loss)."),
    ("multilabel_margin_loss", F.multilabel_margin_loss,
     "Multi-label hinge loss of class scores (N, C) (torch.nn.functional.multilabel_margin_loss). "
     "As in PyTorch (the page speaks of 0/1 labels), each int64 target row lists the sample's "
     "class indices, up to the first -1. One loss per sample."),
]:
    pair_loss(_name, _fn, _doc)


@losses.command("multilabel_soft_margin_loss", *PAIR, REDUCTION, WEIGHT,
                forms=["input target ?reduction?"], returns="tensor handle")
def multilabel_soft_margin_loss(input, target, reduction, weight):
    """Per-class logistic loss averaged over the classes, for 0/1 labels of shape (N, C)
    (torch.nn.functional.multilabel_soft_margin_loss); `-weight` rescales each class."""
    return F.multilabel_soft_margin_loss(input, target, weight=weight, reduction=reduction)


# --- class scores against class indices --------------------------------------------------------
@losses.command("cross_entropy_loss", *PAIR, WEIGHT, REDUCTION, IGNORE_INDEX,
                param("label_smoothing", FLOAT, 0.0), forms=WEIGHTED_FORMS,
                returns="tensor handle")
def cross_entropy_loss(input, target, weight, reduction, ignore_index, label_smoothing):
    """Cross entropy of logits against class indices (or class probabilities)."""
    return F.cross_entropy(input, target, weight=weight, reduction=reduction,
                           ignore_index=ignore_index, label_smoothing=label_smoothing)


@losses.command("nll_loss", *PAIR, WEIGHT, REDUCTION, IGNORE_INDEX,
                forms=[*WEIGHTED_FORMS, "input target ?weight? ?ignore_index? ?reduction?"],
                returns="tensor handle")
def nll_loss(input, target, weight, reduction, ignore_index):
    """Negative log likelihood of log-probabilities (N, C) at the target class indices
    (torch.nn.functional.nll_loss); `-weight` rescales each class, `-ignoreIndex` skips a label.
    Positionally a fifth word reads as API.md's `input target weight ignore_index reduction`."""
    return F.nll_loss(input, target, weight=weight, reduction=reduction,
                      ignore_index=ignore_index)


@losses.command("multi_margin_loss", *PAIR, param("p", INT, 1), MARGIN_1, REDUCTION,
                WEIGHT, forms=["input target ?p? ?margin? ?reduction?"], returns="tensor handle")
def multi_margin_loss(input, target, p, margin, reduction, weight):
    """Multi-class hinge loss of class scores (N, C) against class indices
    (torch.nn.functional.multi_margin_loss): p is 1 or 2; `-weight` rescales each class.

    As on the page, a flat input of N * C scores with N > 1 class indices is read as N rows
    (PyTorch would take a 1-D input as one sample and refuse N labels)."""
    n = target.numel()
    if input.dim() == 1 and target.dim() == 1 and n > 1 and input.numel() % n == 0:
        input = input.reshape(n, -1)
    return F.multi_margin_loss(input, target, p=p, margin=margin, weight=weight,
                               reduction=reduction)


@losses.command("focal_loss", *PAIR, number("alpha", 1.0), number("gamma", 2.0), REDUCTION,
                returns="tensor handle")
def focal_loss(input, target, alpha, gamma, reduction):
    """Focal loss of logits (N, C) against int64 class indices: alpha * (1 - p_t)^gamma *
    -log(p_t), p_t the softmax probability of the target class.

    PyTorch has no such function (torchvision's sigmoid_focal_loss is the per-element binary
    variant): this one is computed from torch.nn.functional.cross_entropy (which gives -log p_t,
    checks the targets and takes (N, C, d1, ...) inputs alike), with differentiable torch ops.
    One loss per sample before the reduction; gamma 0 and alpha 1 give the cross entropy."""
    if target.is_floating_point() or target.is_complex():
        raise CommandError("Target tensor must hold class indices (int64), not "
                           f"{str(target.dtype).removeprefix('torch.')} values")
    ce = F.cross_entropy(input, target, reduction="none")
    return reduce(alpha * (1 - torch.exp(-ce)) ** gamma * ce, reduction)


# --- probabilities and logits against 0/1 targets ----------------------------------------------
@losses.command("bce_loss", *PAIR, WEIGHT, REDUCTION, forms=WEIGHTED_FORMS,
                returns="tensor handle")
def bce_loss(input, target, weight, reduction):
    """Binary cross entropy of probabilities in [0, 1] against targets of the same shape
    (torch.nn.functional.binary_cross_entropy); `-weight` broadcasts over the elements."""
    return F.binary_cross_entropy(input, target, weight=weight, reduction=reduction)


def per_sample(input, target):
    """sigmoid(input) and the target (as the input's dtype), broadcast together and flattened to
    one row per sample: the first dimension counts the samples, and a tensor of fewer than two
    dimensions is one sample."""
    p = torch.sigmoid(input)
    p, t = torch.broadcast_tensors(p, target.to(p.dtype))
    if p.dim() < 2:
        return p.reshape(1, -1), t.reshape(1, -1)
    return p.flatten(1), t.flatten(1)


@losses.command("dice_loss", *PAIR, SMOOTH, REDUCTION, returns="tensor handle")
def dice_loss(input, target, smooth, reduction):
    """Dice loss of logits against a 0/1 mask: 1 - (2 sum(p t) + smooth) / (sum(p) + sum(t) +
    smooth), p = sigmoid(input), one loss per sample.

    PyTorch has no such function; this one follows the page's formula with torch ops (it is
    differentiable). The sums run over every dimension but the first, which counts the samples
    (so `-reduction none` gives a vector of N losses); an input of fewer than two dimensions is
    one sample."""
    p, t = per_sample(input, target)
    dice = (2 * (p * t).sum(1) + smooth) / (p.sum(1) + t.sum(1) + smooth)
    return reduce(1 - dice, reduction)


@losses.command("tversky_loss", *PAIR, number("alpha", 0.7), number("beta", 0.3), SMOOTH,
                REDUCTION, returns="tensor handle")
def tversky_loss(input, target, alpha, beta, smooth, reduction):
    """Tversky loss of logits against a 0/1 mask: 1 - (TP + smooth) / (TP + alpha FP + beta FN +
    smooth), with p = sigmoid(input), TP = sum(p t), FP = sum(p (1 - t)), FN = sum((1 - p) t).

    PyTorch has no such function; this one follows the page's formula with torch ops (it is
    differentiable). As in dice_loss the sums run over every dimension but the first (one loss
    per sample; fewer than two dimensions: one sample). alpha = beta = 0.5 gives dice_loss
    with twice the smoothing."""
    p, t = per_sample(input, target)
    tp = (p * t).sum(1)
    fp = (p * (1 - t)).sum(1)
    fn = ((1 - p) * t).sum(1)
    return reduce(1 - (tp + smooth) / (tp + alpha * fp + beta * fn + smooth), reduction)


@losses.command("hinge_embedding_loss", *PAIR, MARGIN_1, REDUCTION,
                returns="tensor handle")
def hinge_embedding_loss(input, target, margin, reduction):
    """Hinge embedding loss for labels of 1 and -1: the input where the label is 1, else
    max(0, margin - input) (torch.nn.functional.hinge_embedding_loss)."""
    return F.hinge_embedding_loss(input, target, margin=margin, reduction=reduction)


# --- regression --------------------------------------------------------------------------------
@losses.command("huber_loss", *PAIR, REDUCTION, number("delta", 1.0), returns="tensor handle")
def huber_loss(input, target, reduction, delta):
    """Huber loss: squared error (halved) within delta, linear beyond
    (torch.nn.functional.huber_loss)."""
    return F.huber_loss(input, target, reduction=reduction, delta=delta)


@losses.command("smooth_l1_loss", *PAIR, REDUCTION, number("beta", 1.0), returns="tensor handle")
def smooth_l1_loss(input, target, reduction, beta):
    """Smooth L1 loss: squared error over 2 beta within beta, |error| - beta/2 beyond
    (torch.nn.functional.smooth_l1_loss); beta 0 is the L1 loss."""
    return F.smooth_l1_loss(input, target, reduction=reduction, beta=beta)


@losses.command("gaussian_nll_loss", *PAIR, tensor("var"), FULL, EPS, REDUCTION,
                errors=missing("input", "target", "var"), returns="tensor handle")
def gaussian_nll_loss(input, target, var, full, eps, reduction):
    """Negative log likelihood of the target under Gaussians of mean input and variance var
    (clamped to at least eps), with the constant log(2 pi) / 2 when -full is true
    (torch.nn.functional.gaussian_nll_loss)."""
    return F.gaussian_nll_loss(input, target, var, full=full, eps=eps, reduction=reduction)


@losses.command("poisson_nll_loss", *PAIR, param("log_input", BOOL, True), FULL, REDUCTION,
                number("eps", 1e-8), forms=["input target ?log_input? ?full? ?reduction?"],
                returns="tensor handle")
def poisson_nll_loss(input, target, log_input, full, reduction, eps):
    """Poisson negative log likelihood (torch.nn.functional.poisson_nll_loss): exp(input) -
    target * input for a log-rate input, else input - target * log(input + eps).

    As in PyTorch (and unlike the page's formula) the log(target!) term is left out unless -full
    is true, which adds its Stirling approximation for targets above 1."""
    return F.poisson_nll_loss(input, target, log_input=log_input, full=full, eps=eps,
                              reduction=reduction)


@losses.command("kl_div_loss", *PAIR,
                param("reduction", CodedChoice(*REDUCTIONS, "batchmean", codes=LEGACY_REDUCTIONS),
                      "mean", invalid=REDUCTION.invalid),
                param("log_target", BOOL, False), returns="tensor handle")
def kl_div_loss(input, target, reduction, log_target):
    """Kullback-Leibler divergence target * (log(target) - input) of log-probabilities against
    probabilities (torch.nn.functional.kl_div; log-probabilities too with -logTarget true).

    `mean` averages over every element, as the page says; PyTorch's `batchmean` (the sum over
    the batch size, the divergence's mathematical value) is accepted as well. PyTorch's warning
    about `mean` is not shown."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "reduction: 'mean' divides", UserWarning)
        return F.kl_div(input, target, reduction=reduction, log_target=log_target)


# --- pairs and triplets of embeddings ----------------------------------------------------------
PAIRS = (tensor("input1"), tensor("input2"), tensor("target"))
PAIRS_MISSING = missing("input1", "input2", "target")


@losses.command("margin_ranking_loss", *PAIRS, MARGIN_0, REDUCTION,
                errors=PAIRS_MISSING, returns="tensor handle")
def margin_ranking_loss(input1, input2, target, margin, reduction):
    """Ranking loss max(0, -target * (input1 - input2) + margin) for labels of 1 (input1 should
    rank higher) and -1 (torch.nn.functional.margin_ranking_loss)."""
    return F.margin_ranking_loss(input1, input2, target, margin=margin, reduction=reduction)


@losses.command("cosine_embedding_loss", *PAIRS, MARGIN_0, REDUCTION,
                errors=PAIRS_MISSING, returns="tensor handle")
def cosine_embedding_loss(input1, input2, target, margin, reduction):
    """Cosine embedding loss of row pairs: 1 - cos where the label is 1, max(0, cos - margin)
    where it is -1 (torch.nn.functional.cosine_embedding_loss)."""
    return F.cosine_embedding_loss(input1, input2, target, margin=margin, reduction=reduction)


@losses.command("triplet_margin_loss", *TRIPLET, MARGIN_1, number("p", 2.0),
                REDUCTION, EPS, SWAP,
                forms=["anchor positive negative ?margin? ?p? ?reduction?"],
                errors=TRIPLET_MISSING, returns="tensor handle")
def triplet_margin_loss(anchor, positive, negative, margin, p, reduction, eps, swap):
    """Triplet loss max(0, d(anchor, positive) - d(anchor, negative) + margin) with the p-norm
    pairwise distance (torch.nn.functional.triplet_margin_loss; -eps and -swap as there)."""
    return F.triplet_margin_loss(anchor, positive, negative, margin=margin, p=p, eps=eps,
                                 swap=swap, reduction=reduction)


# The distances triplet_margin_with_distance_loss offers by name (positionally 0, 1, 2).
DISTANCES = {
    "euclidean": lambda a, b: torch.linalg.vector_norm(a - b, dim=-1),
    "pairwise": F.pairwise_distance,
    "cosine": lambda a, b: 1 - F.cosine_similarity(a, b, dim=-1),
}


@losses.command("triplet_margin_with_distance_loss", *TRIPLET,
                param("distance_function", CodedChoice(*DISTANCES,
                                                       codes=("cosine", "pairwise", "euclidean")),
                      "euclidean"),
                MARGIN_1, REDUCTION, SWAP,
                forms=["anchor positive negative ?distance_function? ?margin? ?reduction?"],
                errors=TRIPLET_MISSING, returns="tensor handle")
def triplet_margin_with_distance_loss(anchor, positive, negative, distance_function, margin,
                                      reduction, swap):
    """Triplet loss with a named distance (torch.nn.functional.triplet_margin_with_distance_loss):
    `euclidean` ||a - b|| along the last dimension (the default), `pairwise` PyTorch's
    pairwise_distance (the same with its eps 1e-6 added to the difference), `cosine`
    1 - cosine similarity."""
    return F.triplet_margin_with_distance_loss(
        anchor, positive, negative, distance_function=DISTANCES[distance_function],
        margin=margin, swap=swap, reduction=reduction)
