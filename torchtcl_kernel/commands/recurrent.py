"""Recurrent and attention models: RNN, LSTM, GRU, multi-head attention and transformers.

The recurrent layers (gru, lstm, rnn_tanh, rnn_relu) are built as torch.nn modules and returned
as module handles, to run with `torch::layer_forward`. The attention and transformer commands are
one-shot operations on tensors, as their reference pages define them: each returns a tensor.
"""

import torch
import torch.nn.functional as F

from ..core.errors import CommandError
from ..core.registry import Family, camel, param
from ..core.types import BOOL, FLOAT, INT, TENSOR
from .common import check_stack_fits, positive

recurrent = Family("recurrent")


def probability(value):
    return 0.0 <= value <= 1.0


# --- the recurrent layers -------------------------------------------------------------------------
def _rnn_params(spell, size_msg, dropout_msg):
    """gru, lstm, rnn_tanh and rnn_relu take the same seven parameters; their pages differ only in
    how an error names them (`spell` gives a parameter's name in "Invalid ... value") and in the
    range errors' texts."""
    def invalid(name):
        return f"Invalid {spell(name)} value"

    def size(name, default=None):
        extra = {} if default is None else {"default": default}
        return param(name, INT, **extra, check=positive, check_msg=size_msg,
                     invalid=invalid(name))

    return (size("input_size"), size("hidden_size"), size("num_layers", 1),
            param("bias", BOOL, True, invalid=invalid("bias")),
            param("batch_first", BOOL, False, invalid=invalid("batch_first")),
            param("dropout", FLOAT, 0.0, check=probability, check_msg=dropout_msg,
                  invalid=invalid("dropout")),
            param("bidirectional", BOOL, False, invalid=invalid("bidirectional")))


def _snake(name):
    return name


MISSING_OR_INVALID = "Required parameters missing or invalid"

# (name, the torch.nn class and its fixed arguments, doc, how errors spell names, size error,
#  dropout error, further error texts, further names)
RECURRENT = [
    ("gru", torch.nn.GRU, {},
     "A gated recurrent unit layer, torch.nn.GRU: reset and update gates over a hidden state.",
     camel, MISSING_OR_INVALID, MISSING_OR_INVALID,
     {"missing": MISSING_OR_INVALID, "missing_positional": "Usage: {usage}"}, ("Gru",)),
    ("lstm", torch.nn.LSTM, {},
     "A long short-term memory layer, torch.nn.LSTM: a hidden state and a cell state, updated "
     "through input, forget and output gates.",
     _snake, "input_size, hidden_size, and num_layers must be > 0",
     "dropout must be >= 0.0 and <= 1.0",
     {"missing": "input_size, hidden_size, and num_layers must be > 0"}, ()),
    ("rnn_tanh", torch.nn.RNN, {"nonlinearity": "tanh"},
     "An Elman recurrent layer with tanh, torch.nn.RNN(nonlinearity='tanh'): "
     "h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh).",
     _snake, MISSING_OR_INVALID, MISSING_OR_INVALID, {"missing": MISSING_OR_INVALID}, ()),
    ("rnn_relu", torch.nn.RNN, {"nonlinearity": "relu"},
     "An Elman recurrent layer with ReLU, torch.nn.RNN(nonlinearity='relu'): "
     "h_t = relu(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh).",
     _snake, MISSING_OR_INVALID + ": inputSize, hiddenSize must be positive",
     MISSING_OR_INVALID + ": dropout must be in [0, 1]",
     {"missing": MISSING_OR_INVALID, "missing_positional": "Usage: {usage}"}, ()),
]

RNN_DOC = """

Input is (seq, batch, input_size), or (batch, seq, input_size) with batch_first, or unbatched
(seq, input_size). Stacking num_layers layers, dropout applies to each layer's output but the
last one (PyTorch warns when it is set on a single layer); bidirectional doubles the output's
features. Its parameters are initialized by PyTorch (seed with torch::manual_seed first for a
repeatable model). `torch::layer_forward` runs it and gives PyTorch's whole result as a list: the
output and the final hidden state, for an LSTM the output and the pair {h c}; the output is
`lindex $result 0`."""


def recurrent_layer(name, cls, fixed, doc, spell, size_msg, dropout_msg, errors, aliases):
    def body(input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional):
        def meta(layers):
            return cls(input_size, hidden_size, num_layers=layers, bias=bias,
                       bidirectional=bidirectional, device="meta", **fixed)
        if num_layers > 1:      # (one layer: its allocations fail at once where it cannot fit)
            check_stack_fits(num_layers, meta(1), meta(2))
        return cls(input_size, hidden_size, num_layers=num_layers, bias=bias,
                   batch_first=batch_first, dropout=dropout, bidirectional=bidirectional, **fixed)
    body.__doc__ = doc + RNN_DOC
    recurrent.command(name, *_rnn_params(spell, size_msg, dropout_msg), errors=errors,
                      aliases=aliases, returns="module handle")(body)


for _row in RECURRENT:
    recurrent_layer(*_row)


# --- attention ------------------------------------------------------------------------------------
QUERY = param("query", TENSOR, invalid="Invalid query tensor")
KEY = param("key", TENSOR, invalid="Invalid key tensor")
VALUE = param("value", TENSOR, invalid="Invalid value tensor")


@recurrent.command("scaled_dot_product_attention", QUERY, KEY, VALUE,
                   param("attn_mask", TENSOR, None, invalid="Invalid attn_mask tensor"),
                   param("dropout_p", FLOAT, 0.0, check=probability,
                         check_msg="Invalid dropout_p: {value} (must be in [0, 1])"),
                   param("is_causal", BOOL, False),
                   param("scale", FLOAT, None),
                   returns="tensor handle")
def scaled_dot_product_attention(query, key, value, attn_mask, dropout_p, is_causal, scale):
    """Attention softmax(Q K^T / sqrt(d) + mask) V over the last two dimensions
    (torch.nn.functional.scaled_dot_product_attention): query (..., L, d), key (..., S, d),
    value (..., S, d_v) give (..., L, d_v). Optional: attn_mask, a boolean mask (true: attend)
    or a float one added to the scores; dropout_p, dropout on the attention weights; is_causal,
    each position attends only to itself and earlier ones; scale instead of 1/sqrt(d)."""
    return F.scaled_dot_product_attention(query, key, value, attn_mask=attn_mask,
                                          dropout_p=dropout_p, is_causal=is_causal, scale=scale)


@recurrent.command("multihead_attention", QUERY, KEY, VALUE,
                   param("embed_dim", INT, check=positive,
                         check_msg="Invalid embedDim: {value} (must be positive)",
                         invalid="Invalid embedDim value"),
                   param("num_heads", INT, check=positive,
                         check_msg="Invalid numHeads: {value} (must be positive)",
                         invalid="Invalid numHeads value"),
                   errors={"missing": "Required parameters missing: query, key, value, "
                                      "embedDim, numHeads"},
                   returns="tensor handle")
def multihead_attention(query, key, value, embed_dim, num_heads):
    """Multi-head attention without learned projections: the features of query, key and value
    (seq, batch, embed_dim), or unbatched (seq, embed_dim), are split into num_heads heads of
    embed_dim/num_heads features, each head attends with scaled dot products
    (torch.nn.functional.scaled_dot_product_attention) and the heads' outputs are concatenated
    back: (seq_q, batch, embed_dim). This is the reference page's operation: PyTorch's
    torch.nn.MultiheadAttention with every projection (query, key, value and output) the
    identity. Key and value may be longer or shorter than query."""
    if embed_dim % num_heads:
        raise CommandError(f"embed_dim ({embed_dim}) must be divisible by num_heads "
                           f"({num_heads})")
    for label, t in (("query", query), ("key", key), ("value", value)):
        if t.dim() not in (2, 3) or t.shape[-1] != embed_dim:
            raise CommandError(f"Invalid {label} shape {list(t.shape)}: expected "
                               f"(seq, batch, {embed_dim}) or (seq, {embed_dim})")

    def heads(t):       # (seq, [batch,] E) -> ([batch,] heads, seq, E/heads)
        return t.unflatten(-1, (num_heads, embed_dim // num_heads)).movedim(0, -2)

    out = F.scaled_dot_product_attention(heads(query), heads(key), heads(value))
    return out.movedim(-2, 0).flatten(-2)


@recurrent.command("positional_encoding",
                   param("seq_len", INT, check=positive,
                         check_msg="Invalid seqLen: {value} (must be positive)",
                         invalid="Invalid seqLen value"),
                   param("d_model", INT, check=lambda d: d > 0 and d % 2 == 0,
                         check_msg="Invalid dModel: {value} (must be a positive even number)",
                         invalid="Invalid dModel value"),
                   param("dropout", FLOAT, check=probability,
                         check_msg="Invalid dropout: {value} (must be in [0, 1])",
                         invalid="Invalid dropout value"),
                   returns="tensor handle")
def positional_encoding(seq_len, d_model, dropout):
    """The sinusoidal position encodings of "Attention Is All You Need", a (seq_len, d_model)
    tensor: column 2i of row pos is sin(pos / 10000^(2i/d_model)) and column 2i+1 the cosine of
    the same angle; then dropout with probability dropout (survivors scaled by 1/(1-dropout),
    torch.nn.functional.dropout), 0 for none. Computed in float64, returned in the default dtype
    (float32)."""
    position = torch.arange(seq_len, dtype=torch.float64).unsqueeze(1)
    rate = torch.pow(10000.0, -torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
    angle = position * rate                                        # (seq_len, d_model / 2)
    table = torch.stack((angle.sin(), angle.cos()), dim=-1).flatten(-2)
    return F.dropout(table.to(torch.get_default_dtype()), dropout, training=True)


# --- transformers ---------------------------------------------------------------------------------
def _fit(t, d_model):
    """The page's shape rule: a 1-D tensor is one token (1, n); the last dimension is padded with
    zeros or cut to d_model."""
    if t.dim() == 1:
        t = t.unsqueeze(0)
    n = t.shape[-1]
    return F.pad(t, (0, d_model - n)) if n < d_model else t[..., :d_model]


def _run(module, first, *rest, d_model):
    out = module(_fit(first, d_model), *(_fit(t, d_model) for t in rest))
    return out.squeeze(0) if first.dim() == 1 else out


def _transformer_params(invalid):
    """The hyperparameters shared by the four transformer commands, with the error texts of
    their pages (`invalid`: for a bad handle and any value out of range)."""
    def size(name):
        return param(name, INT, check=positive, check_msg=invalid, invalid=f"Invalid {name} value")
    return {"d_model": size("d_model"), "nhead": size("nhead"), "num_layers": size("num_layers"),
            "dim_feedforward": size("dim_feedforward"),
            "dropout": param("dropout", FLOAT, check=probability, check_msg=invalid,
                             invalid="Invalid dropout value")}


TRANSFORMER_DOC = """

A fresh module with PyTorch's initialization (seed with torch::manual_seed for repeatable
values) in training mode, as PyTorch makes it, so dropout is active: set dropout to 0 for a
deterministic result. Inputs are (seq, batch, d_model) or unbatched (seq, d_model); following the
reference page, a 1-D input is one token of d_model features and a last dimension other than
d_model is zero-padded or cut to d_model."""

ENCODER_INVALID = ("Invalid parameters: src must be defined, dModel, nhead, numLayers and "
                   "dimFeedforward must be positive, dropout must be in range [0,1]")
ENCODER = _transformer_params(ENCODER_INVALID)
SRC = param("src", TENSOR, invalid=ENCODER_INVALID)


def _encoder_layer(d_model, nhead, dim_feedforward, dropout):
    return torch.nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout)


@recurrent.command("transformer_encoder_layer", SRC, ENCODER["d_model"], ENCODER["nhead"],
                   ENCODER["dim_feedforward"], ENCODER["dropout"],
                   errors={"missing": "Usage: torch::transformer_encoder_layer src d_model nhead "
                                      "dim_feedforward dropout"},
                   returns="tensor handle", doc=(
    """Runs src through one transformer encoder layer, torch.nn.TransformerEncoderLayer(d_model,
    nhead, dim_feedforward, dropout): self-attention then a ReLU feed-forward block, each with a
    residual connection and layer normalization.""" + TRANSFORMER_DOC))
def transformer_encoder_layer(src, d_model, nhead, dim_feedforward, dropout):
    layer = _encoder_layer(d_model, nhead, dim_feedforward, dropout)
    return _run(layer, src, d_model=d_model)


@recurrent.command("transformer_encoder", SRC, ENCODER["d_model"], ENCODER["nhead"],
                   ENCODER["num_layers"], ENCODER["dim_feedforward"],
                   param("dropout", FLOAT, 0.1, check=probability, check_msg=ENCODER_INVALID,
                         invalid="Invalid dropout value"),
                   errors={"missing": "Usage: torch::transformer_encoder src d_model nhead "
                                      "num_layers dim_feedforward"},
                   returns="tensor handle", doc=(
    """Runs src through a stack of num_layers transformer encoder layers,
    torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(d_model, nhead,
    dim_feedforward, dropout), num_layers). dropout, which the page does not name, is optional:
    PyTorch's default, 0.1.""" + TRANSFORMER_DOC))
def transformer_encoder(src, d_model, nhead, num_layers, dim_feedforward, dropout):
    layer = _encoder_layer(d_model, nhead, dim_feedforward, dropout)
    check_stack_fits(num_layers, layer)
    stack = torch.nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
    return _run(stack, src, d_model=d_model)


DECODER_LAYER_INVALID = ("Invalid parameters: all tensors must be defined, dModel, nhead, "
                         "dimFeedforward must be positive, dropout must be in range [0,1]")
DECODER_INVALID = ("Invalid parameters: all tensors must be defined, dModel, nhead, numLayers, "
                   "and dimFeedforward must be positive")


def _decoder_params(invalid):
    return (param("tgt", TENSOR, invalid=invalid), param("memory", TENSOR, invalid=invalid),
            _transformer_params(invalid))


def _decoder_layer(d_model, nhead, dim_feedforward, dropout):
    return torch.nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout)


_TGT, _MEMORY, _P = _decoder_params(DECODER_LAYER_INVALID)


@recurrent.command("transformer_decoder_layer", _TGT, _MEMORY, _P["d_model"], _P["nhead"],
                   _P["dim_feedforward"], _P["dropout"],
                   errors={"missing": "Usage: torch::transformer_decoder_layer tgt memory d_model "
                                      "nhead dim_feedforward dropout",
                           "usage": "Usage: torch::transformer_decoder_layer tgt memory d_model "
                                    "nhead dim_feedforward dropout"},
                   returns="tensor handle", doc=(
    """Runs tgt through one transformer decoder layer attending to memory (an encoder's output),
    torch.nn.TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout): self-attention,
    attention over memory, then a ReLU feed-forward block, each with a residual connection and
    layer normalization. No mask: every target position sees every other.""" + TRANSFORMER_DOC))
def transformer_decoder_layer(tgt, memory, d_model, nhead, dim_feedforward, dropout):
    layer = _decoder_layer(d_model, nhead, dim_feedforward, dropout)
    return _run(layer, tgt, memory, d_model=d_model)


_TGT, _MEMORY, _P = _decoder_params(DECODER_INVALID)


@recurrent.command("transformer_decoder", _TGT, _MEMORY, _P["d_model"], _P["nhead"],
                   _P["num_layers"], _P["dim_feedforward"],
                   param("dropout", FLOAT, 0.1, check=probability, check_msg=DECODER_INVALID,
                         invalid="Invalid dropout value"),
                   errors={"missing": "Usage: torch::transformer_decoder tgt memory d_model nhead "
                                      "num_layers dim_feedforward"},
                   returns="tensor handle", doc=(
    """Runs tgt through a stack of num_layers transformer decoder layers attending to memory,
    torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(d_model, nhead,
    dim_feedforward, dropout), num_layers). dropout, which the page does not name, is optional:
    PyTorch's default, 0.1. No mask: every target position sees every other."""
    + TRANSFORMER_DOC))
def transformer_decoder(tgt, memory, d_model, nhead, num_layers, dim_feedforward, dropout):
    layer = _decoder_layer(d_model, nhead, dim_feedforward, dropout)
    check_stack_fits(num_layers, layer)
    stack = torch.nn.TransformerDecoder(layer, num_layers)
    return _run(stack, tgt, memory, d_model=d_model)
