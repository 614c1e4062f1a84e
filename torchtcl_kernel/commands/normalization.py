"""Normalisation: batch, instance, group, layer and RMS norms, local response normalisation, and
weight and spectral normalisation.

Layers (batch_norm*, group_norm, layer_norm) are torch.nn modules returned as module handles, to
run with `torch::layer_forward` and to switch with `torch::model_train` / `torch::model_eval`.
The others are functions of a tensor, each one PyTorch call, so values, dtype, shape, device and
autograd are PyTorch's own.
"""

import torch
import torch.nn.functional as F
from torch.nn.utils import parametrizations

from ..core.errors import CommandError
from ..core.registry import Family, param
from ..core.types import BOOL, FLOAT, INT, INTS, TENSOR, TENSOR_OR_MODULE
from .common import non_negative, positive, tensor_input

normalization = Family("normalization")

# --- parameters several commands share ----------------------------------------------------------
EPS = param("eps", FLOAT, 1e-5, invalid="Invalid eps value")
MOMENTUM = param("momentum", FLOAT, 0.1)
AFFINE = param("affine", BOOL, True)
TRACK_RUNNING_STATS = param("track_running_stats", BOOL, True)
NORMALIZED_SHAPE = param("normalized_shape", INTS, invalid="Invalid normalized_shape value",
                         check=lambda shape: bool(shape) and all(d > 0 for d in shape),
                         check_msg="Invalid normalized_shape value")
# local response normalisation (AlexNet's): window size, scale, exponent, offset
ALPHA = param("alpha", FLOAT, 1e-4, invalid="Invalid alpha parameter")
BETA = param("beta", FLOAT, 0.75, invalid="Invalid beta parameter")
K = param("k", FLOAT, 1.0, invalid="Invalid k parameter")
OPTIONAL_TENSOR = {"type": TENSOR, "default": None}


def _ranks_text(ranks):
    return " or ".join(f"{r}D" for r in ranks)


# --- batch normalisation: a layer, or the function on given statistics ---------------------------
def batch_norm(name, layer_class, ranks, aliases, shape):
    def body(num_features, input, weight, bias, running_mean, running_var, training, eps,
             momentum, affine, track_running_stats):
        if input is not None:
            if input.dim() not in ranks:
                raise CommandError(f"expected {_ranks_text(ranks)} input "
                                   f"(got {input.dim()}D input)")
            return F.batch_norm(input, running_mean, running_var, weight, bias, training,
                                momentum, eps)
        if num_features is None:
            raise CommandError("Required parameter missing: num_features (or input)", "MISSING")
        return layer_class(num_features, eps, momentum, affine, track_running_stats)

    body.__doc__ = (
        f"Batch normalisation over the channels of {shape} input. Two uses, told apart by the "
        f"first argument: with num_features, a torch.nn.{layer_class.__name__} layer (eps, "
        f"momentum, affine, track_running_stats) to run with layer_forward; with an input "
        f"tensor, torch.nn.functional.batch_norm on it with the given weight, bias and running "
        f"statistics (any may be left out by name; in training mode the running statistics are "
        f"updated in place).")
    normalization.command(
        name,
        param("num_features", INT, None, check=positive,
              invalid="Invalid num_features: {value} (a positive integer; or give the input "
                      "tensor first for the function)"),
        param("input", TENSOR, None, aliases=("tensor",)),
        param("weight", **OPTIONAL_TENSOR), param("bias", **OPTIONAL_TENSOR),
        param("running_mean", **OPTIONAL_TENSOR), param("running_var", **OPTIONAL_TENSOR),
        param("training", BOOL, True), EPS, MOMENTUM, AFFINE, TRACK_RUNNING_STATS,
        forms=["num_features ?eps? ?momentum? ?affine? ?track_running_stats?",
               "input weight bias running_mean running_var ?training? ?momentum? ?eps?"],
        aliases=aliases, returns="module handle, or tensor handle")(body)


batch_norm("batch_norm1d", torch.nn.BatchNorm1d, (2, 3), ("batchnorm1d", "batch_norm_1d"),
           "(N, C) or (N, C, L)")
batch_norm("batch_norm2d", torch.nn.BatchNorm2d, (4,), ("batchnorm2d",), "(N, C, H, W)")
batch_norm("batch_norm3d", torch.nn.BatchNorm3d, (5,), ("batchnorm3d",), "(N, C, D, H, W)")


# --- instance normalisation: the function of a tensor ---------------------------------------------
INSTANCE_ERRORS = {"missing": "Required parameters missing: input tensor required"}
INSTANCE_EPS = param("eps", FLOAT, 1e-5, aliases=("epsilon",), check=positive,
                     check_msg="Invalid eps: must be positive number")
INSTANCE_MOMENTUM = param("momentum", FLOAT, 0.1, check=non_negative,
                          check_msg="Invalid momentum: must be number >= 0")


def instance_norm(name, layer_class, spatial):
    ranks = (spatial + 1, spatial + 2)

    def body(input, eps, momentum, affine, track_running_stats):
        if input.dim() not in ranks:
            raise CommandError(f"expected {_ranks_text(ranks)} input (got {input.dim()}D input)")
        dtype = input.dtype if input.is_floating_point() else None
        layer = layer_class(input.shape[-spatial - 1], eps, momentum, affine,
                            track_running_stats, device=input.device, dtype=dtype)
        return layer(input)

    body.__doc__ = (
        f"Instance normalisation of a tensor with {spatial} spatial dimension"
        f"{'s' if spatial > 1 else ''}: each channel of each sample to zero mean and unit "
        f"variance. The tensor goes through a new torch.nn.{layer_class.__name__} (its channel "
        f"count read from the input; with affine, fresh weight 1 and bias 0) in training mode, "
        f"so the statistics are the input's own.")
    normalization.command(name, tensor_input(), INSTANCE_EPS, INSTANCE_MOMENTUM, AFFINE,
                          TRACK_RUNNING_STATS, errors=INSTANCE_ERRORS,
                          returns="tensor handle")(body)


instance_norm("instance_norm1d", torch.nn.InstanceNorm1d, 1)
instance_norm("instance_norm2d", torch.nn.InstanceNorm2d, 2)
instance_norm("instance_norm3d", torch.nn.InstanceNorm3d, 3)


# --- group and layer normalisation layers ----------------------------------------------------
GROUP_COUNTS = dict(check=positive, check_msg="numGroups and numChannels must be > 0")


@normalization.command("group_norm",
                       param("num_groups", INT, invalid="Invalid numGroups value", **GROUP_COUNTS),
                       param("num_channels", INT, invalid="Invalid numChannels value",
                             **GROUP_COUNTS),
                       EPS, AFFINE,
                       errors={"missing": "numGroups and numChannels must be > 0"},
                       returns="module handle")
def group_norm(num_groups, num_channels, eps, affine):
    """A torch.nn.GroupNorm layer: the channels split into num_groups groups, each group of each
    sample normalised to zero mean and unit variance, then (affine) scaled and shifted per
    channel. num_channels must be a multiple of num_groups."""
    return torch.nn.GroupNorm(num_groups, num_channels, eps, affine)


@normalization.command("layer_norm", NORMALIZED_SHAPE, EPS,
                       param("elementwise_affine", BOOL, True), returns="module handle")
def layer_norm(normalized_shape, eps, elementwise_affine):
    """A torch.nn.LayerNorm layer: each sample normalised over its last dimensions (their sizes
    given as normalized_shape, one integer or a list), then (elementwise_affine) scaled and
    shifted element by element."""
    return torch.nn.LayerNorm(list(normalized_shape), eps, elementwise_affine)


@normalization.command("rms_norm", tensor_input(), NORMALIZED_SHAPE, EPS,
                       returns="tensor handle")
def rms_norm(input, normalized_shape, eps):
    """RMS normalisation over the last dimensions (sizes normalized_shape), without weights:
    torch.nn.functional.rms_norm, x / sqrt(mean(x^2) + eps). (The reference page writes
    x / (rms + eps); PyTorch's formula is used.)"""
    return F.rms_norm(input, list(normalized_shape), eps=eps)


# --- local response normalisation ----------------------------------------------------------------
@normalization.command("local_response_norm", tensor_input(),
                       param("size", INT, check=positive), ALPHA, BETA, K,
                       forms=["tensor size alpha beta k"], returns="tensor handle")
def local_response_norm(input, size, alpha, beta, k):
    """Local response normalisation across channels (dimension 1):
    torch.nn.functional.local_response_norm, each element divided by
    (k + alpha / size * the sum of squares over `size` neighbouring channels) ** beta."""
    return F.local_response_norm(input, size, alpha, beta, k)


@normalization.command("cross_map_lrn2d", tensor_input(invalid="Tensor not found"),
                       param("size", INT, 5, invalid="Invalid size parameter", check=positive,
                             check_msg="Required parameter missing: -input tensor_name"),
                       ALPHA, BETA, K, forms=["tensor size alpha beta k"],
                       errors={"missing": "Required parameter missing: -input tensor_name"},
                       returns="tensor handle")
def cross_map_lrn2d(input, size, alpha, beta, k):
    """Cross-channel local response normalisation of (N, C, H, W) input through
    torch.nn.CrossMapLRN2d (Lua Torch's form of local_response_norm). A size below 1 is
    refused with the text the reference page shows for it."""
    return torch.nn.CrossMapLRN2d(size, alpha, beta, k)(input)


# --- weight and spectral normalisation: of a weight tensor, or of a layer's weight ----------------
def _wrapped(ctx, module):
    return ctx.store.name_of(module)


@normalization.command("weight_norm",
                       param("input", TENSOR_OR_MODULE, aliases=("tensor",), label="tensor"),
                       param("dim", INT, 0),
                       errors={"missing": "Wrong number of arguments",
                               "unknown": "Unknown parameter: {option}. "
                                          "Valid parameters are: -input/-tensor, -dim"},
                       returns="tensor handle, or the module handle")
def weight_norm(ctx, input, dim):
    """Weight normalisation. Of a tensor: the tensor divided by its L2 norm over every dimension
    but dim (torch.norm_except_dim), so each slice along dim has norm 1 - PyTorch's
    w = g * v / ||v|| with g = 1 (the reference page checks the norms across dim 0 instead;
    PyTorch's meaning of dim is kept). Of a layer: its weight reparametrised by
    torch.nn.utils.parametrizations.weight_norm (magnitude and direction learnt apart); the
    layer's own handle is returned."""
    if isinstance(input, torch.nn.Module):
        parametrizations.weight_norm(input, "weight", dim)
        return _wrapped(ctx, input)
    return input / torch.norm_except_dim(input, 2, dim)


@normalization.command("spectral_norm",
                       param("input", TENSOR_OR_MODULE, aliases=("tensor",), label="tensor"),
                       param("n_power_iterations", INT, 1, check=positive),
                       returns="tensor handle, or the module handle")
def spectral_norm(ctx, input, n_power_iterations):
    """Spectral normalisation: a weight divided by its largest singular value, estimated by
    power iteration from a random start (seed with manual_seed to repeat it). Of a tensor: what
    PyTorch's spectral-norm parametrization makes of it as a layer's weight (dimensions after
    the first flattened). Of a layer: its weight reparametrised by
    torch.nn.utils.parametrizations.spectral_norm, one more power iteration each training
    forward; the layer's own handle is returned."""
    if isinstance(input, torch.nn.Module):
        parametrizations.spectral_norm(input, "weight", n_power_iterations)
        return _wrapped(ctx, input)
    return parametrizations._SpectralNorm(input.detach(), n_power_iterations)(input)
