"""Layers and models: building them (linear, sequential, dropout), running them, embedding
lookups, reaching their parameters, counting and summarising them, switching train / eval mode."""

import torch
import torch.nn.functional as F
from torch.nn.utils import parametrize

from ..core.registry import Family, param
from ..core.types import BOOL, DEVICE, FLOAT, INT, MODULE, SHAPE, TENSOR, HandleList
from .common import positive, tensor_input
from .compile import unwrapped

nn = Family("nn", missing="Required parameter missing: {name}")

POSITIVE = dict(check=positive, check_msg="Invalid {name}: {value} (must be positive)")


@nn.command("linear", param("in_features", INT, **POSITIVE), param("out_features", INT, **POSITIVE),
            param("bias", BOOL, True), aliases=("linearLayer",), returns="module handle")
def linear(in_features, out_features, bias):
    """A fully connected layer, torch.nn.Linear: y = x W^T + b."""
    return torch.nn.Linear(in_features, out_features, bias=bias)


@nn.command("sequential", param("modules", HandleList("module"), (), label="module_list"),
            returns="module handle")
def sequential(modules):
    """A torch.nn.Sequential running the given modules in order (they share their parameters)."""
    return torch.nn.Sequential(*modules)


@nn.command("nn_flatten", param("start_dim", INT, 1), param("end_dim", INT, -1),
            returns="module handle")
def nn_flatten(start_dim, end_dim):
    """A torch.nn.Flatten layer: joins dimensions start_dim..end_dim (by default all but the
    batch dimension) into one, between the convolutions and the linear layers of a CNN."""
    return torch.nn.Flatten(start_dim, end_dim)


@nn.command("layer_forward", param("layer", MODULE, label="layer_handle"),
            tensor_input(label="input_tensor", aliases=(), invalid="Invalid input tensor name"),
            errors={"missing": "Required parameters missing: {required_names}"},
            returns="tensor handle")
def layer_forward(layer, input):
    """The module applied to input: its forward pass."""
    return layer(input)


@nn.command("layer_parameters", param("layer", MODULE, label="layer_name"),
            returns="list of tensor handles")
def layer_parameters(layer):
    """Handles to the module's parameters (the live tensors an optimizer updates)."""
    return list(layer.parameters())


# --- regularisation and lookup tables ---------------------------------------------------------
@nn.command("dropout",
            param("p", FLOAT, 0.5, check=lambda p: 0.0 <= p <= 1.0,
                  check_msg="p must be between 0.0 and 1.0"),
            param("training", BOOL, True), param("inplace", BOOL, False),
            errors={"no_value": "Named parameters must come in pairs"},
            returns="module handle")
def dropout(p, training, inplace):
    """A torch.nn.Dropout layer: in training mode it zeroes each element with probability p and
    scales the others by 1 / (1 - p); in evaluation mode it passes its input through. training
    sets its starting mode (model_train / model_eval switch it later)."""
    return torch.nn.Dropout(p, inplace).train(training)


@nn.command("embedding", tensor_input(label="input"),
            param("num_embeddings", INT, **POSITIVE), param("embedding_dim", INT, **POSITIVE),
            param("padding_idx", INT, -1), aliases=("Embedding",), returns="tensor handle")
def embedding(input, num_embeddings, embedding_dim, padding_idx):
    """Integer indices looked up in a new torch.nn.Embedding table (num_embeddings rows of
    embedding_dim values drawn from N(0, 1); seed with manual_seed to repeat them): the result
    has the input's shape plus a last dimension of embedding_dim. padding_idx -1 (the default)
    means none, as the reference page has it; another index's row is zero."""
    table = torch.nn.Embedding(num_embeddings, embedding_dim,
                               padding_idx=None if padding_idx == -1 else padding_idx)
    return table(input)


EMBEDDING_BAG_MODES = {0: "sum", 1: "mean", 2: "max"}


@nn.command("embedding_bag", tensor_input(label="input"), param("weight", TENSOR),
            param("offsets", TENSOR),
            param("mode", INT, check=lambda m: m in EMBEDDING_BAG_MODES,
                  check_msg="Invalid mode: {value} (0 sum, 1 mean or 2 max)"),
            param("per_sample_weights", TENSOR, None), returns="tensor handle")
def embedding_bag(input, weight, offsets, mode, per_sample_weights):
    """Bags of rows of a weight table reduced to one row each:
    torch.nn.functional.embedding_bag. The 1-D input holds indices, offsets where each bag
    starts; mode 0 sums, 1 averages, 2 takes the maximum; per_sample_weights (sum mode only, as
    in PyTorch) scales each looked-up row first."""
    return F.embedding_bag(input, weight, offsets, mode=EMBEDDING_BAG_MODES[mode],
                           per_sample_weights=per_sample_weights)


# --- whole models -------------------------------------------------------------------------------
MODEL = param("model", MODULE, invalid="Model not found")


@nn.command("count_parameters", MODEL,
            errors={"missing": "Required parameter missing: -model model_name"},
            returns="integer")
def count_parameters(model):
    """The number of trainable values in the model: the elements of its parameters that
    require grad (a frozen parameter is not counted; one shared by two layers counts once)."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


@nn.command("model_train", MODEL, returns="the model's handle")
def model_train(ctx, model):
    """Puts the model and all its layers in training mode, as Module.train() does: dropout
    drops, batch norm normalises with each batch's statistics and updates its running ones."""
    model.train()
    return ctx.store.name_of(model)


@nn.command("model_eval", MODEL, returns="the model's handle")
def model_eval(ctx, model):
    """Puts the model and all its layers in evaluation mode, as Module.eval() does: dropout
    passes its input through, batch norm normalises with its running statistics."""
    model.eval()
    return ctx.store.name_of(model)


def _shapes(output):
    """How a layer's output shape is shown: [1, 5] (a tuple of outputs: each, space-separated)."""
    if isinstance(output, torch.Tensor):
        return "[" + ", ".join(str(d) for d in output.shape) + "]"
    if isinstance(output, (tuple, list)):
        return " ".join(s for s in map(_shapes, output) if s)
    return ""


def _own_parameters(module):
    """The values a layer holds itself: its direct parameters, and those of its weight_norm /
    spectral_norm parametrizations (which replace its weight)."""
    own = sum(p.numel() for p in module.parameters(recurse=False))
    if parametrize.is_parametrized(module):
        own += sum(p.numel() for p in module.parametrizations.parameters())
    return own


def _layers(model):
    """(name, module) of each row of the summary: the layers that hold parameters of their own
    or contain no others (the model itself when it is one layer); a parametrization is part of
    its layer's row."""
    rows = []
    for name, module in model.named_modules():
        if "parametrizations" in name.split("."):
            continue
        own = any(True for _ in module.parameters(recurse=False)) or \
            parametrize.is_parametrized(module)
        leaf = not any(n != "parametrizations" for n, _ in module.named_children())
        if own or leaf:
            rows.append((name or "model", module))
    return rows


def _output_shapes(model, modules, input_shape, device):
    """The output shape of each module for a zero input of input_shape (int64 when the model
    starts with an embedding), from forward hooks, in evaluation mode and without gradients;
    the model's modes are restored after, so nothing in it changes."""
    params = next(model.parameters(), None)
    if device is None:
        device = params.device if params is not None else torch.device("cpu")
    first = next((m for _, m in modules), None)
    if isinstance(first, (torch.nn.Embedding, torch.nn.EmbeddingBag)):
        dtype = torch.int64
    elif params is not None and params.is_floating_point():
        dtype = params.dtype
    else:
        dtype = torch.get_default_dtype()
    shapes = {}

    def hook(module, args, output):
        shapes.setdefault(module, _shapes(output))

    modes = [(m, m.training) for m in model.modules()]
    hooks = [m.register_forward_hook(hook) for _, m in modules]
    try:
        model.eval()
        with torch.no_grad():
            model(torch.zeros(input_shape, dtype=dtype, device=device))
    finally:
        for h in hooks:
            h.remove()
        for m, training in modes:
            m.training = training
    return shapes


def summary(model, input_shape=None, device=None):
    """What model_summary prints and the kernel's HTML view of a model shows: (total, trainable,
    rows), a row (name, type, own parameter count, output shape or None) per layer; output
    shapes only given an input shape. A compiled model's are its original model's (found without
    compiling it)."""
    model = unwrapped(model)
    params = list(model.parameters())
    total = sum(p.numel() for p in params)
    trainable = sum(p.numel() for p in params if p.requires_grad)
    modules = _layers(model)
    shapes = _output_shapes(model, modules, input_shape, device) if input_shape else None
    rows = [(name, type(m).__name__, _own_parameters(m),
             None if shapes is None else shapes.get(m, "-")) for name, m in modules]
    return total, trainable, rows


@nn.command("model_summary", MODEL,
            param("input_shape", SHAPE, None, aliases=("input_size",)),
            param("device", DEVICE, None), returns="string")
def model_summary(model, input_shape, device):
    """The model's parameter counts, as the reference prints them (Model Summary:, then total,
    trainable and non-trainable parameters, one per line), followed by a table of its layers:
    name (type), parameter count and, given an input shape, each layer's output shape for such
    an input (one forward pass without gradients, in evaluation mode, on `device` or the
    model's)."""
    total, trainable, rows = summary(model, input_shape, device)
    lines = ["Model Summary:", f"Total parameters: {total}",
             f"Trainable parameters: {trainable}", f"Non-trainable parameters: {total - trainable}"]
    labels = [f"{name} ({kind})" for name, kind, _, _ in rows]
    width = max([len("Layer (type)")] + [len(label) for label in labels])
    with_shapes = input_shape is not None
    shape_width = max([len("Output Shape")] + [len(r[3] or "") for r in rows])
    head = f"{'Layer (type)':<{width}}  " + \
        (f"{'Output Shape':<{shape_width}}  " if with_shapes else "") + "Param #"
    lines += ["", head, "-" * len(head)]
    for label, (_, _, count, shape) in zip(labels, rows, strict=True):
        lines.append(f"{label:<{width}}  " +
                     (f"{shape:<{shape_width}}  " if with_shapes else "") + f"{count}")
    return "\n".join(lines)
