"""The recurrent and attention commands against PyTorch: the recurrent layers against the
torch.nn modules built under the same seed (hyperparameters, weights, forward pass), the attention
and transformer commands against the torch calls and modules they stand for (seeded, so dropout
and initialization agree), each command in its positional and named syntax and by its camelCase
name, autograd, and the pages' error texts."""

import math

import pytest
import torch
import torch.nn.functional as F
from conftest import rnd

F64 = torch.float64


def _same(got, want, tol=1e-6):
    """dtype, shape and values (torch.testing.assert_close would cost this file seconds: its
    first call imports torch.distributed)."""
    assert got.dtype == want.dtype and got.shape == want.shape
    assert torch.allclose(got, want, rtol=tol, atol=tol), (got - want).abs().max()


def _seeded(tcl, script, seed=5):
    torch.manual_seed(seed)
    return tcl(script)


# --- the recurrent layers -------------------------------------------------------------------------
FULL = dict(num_layers=2, bias=False, batch_first=True, dropout=0.0, bidirectional=True)
DEEP = dict(num_layers=3, dropout=0.25)
RNN_CASES = [
    # (command, torch class, fixed arguments, scripts, expected keyword arguments)
    ("gru", torch.nn.GRU, {},
     ["torch::gru 4 3", "torch::gru -input_size 4 -hidden_size 3", "torch::Gru -inputSize 4 "
      "-hiddenSize 3", "torch::gru -hiddenSize 3 -inputSize 4 -num_layers 1 -bias 1"], {}),
    ("gru", torch.nn.GRU, {},
     ["torch::gru 4 3 2 0 1 0.0 1",
      "torch::gru -input_size 4 -hidden_size 3 -num_layers 2 -bias 0 -batch_first 1 "
      "-dropout 0.0 -bidirectional 1",
      "torch::Gru -inputSize 4 -hiddenSize 3 -numLayers 2 -bias false -batchFirst true "
      "-bidirectional true"], FULL),
    ("gru", torch.nn.GRU, {}, ["torch::gru 4 3 3 1 0 0.25"], DEEP),
    ("lstm", torch.nn.LSTM, {},
     ["torch::lstm 4 3", "torch::lstm -inputSize 4 -hiddenSize 3",
      "torch::lstm -input_size 4 -hidden_size 3 -bidirectional 0"], {}),
    ("lstm", torch.nn.LSTM, {},
     ["torch::lstm 4 3 2 false true 0 true",
      "torch::lstm -inputSize 4 -hiddenSize 3 -numLayers 2 -bias 0 -batchFirst 1 "
      "-bidirectional 1",
      "torch::lstm -input_size 4 -hidden_size 3 -num_layers 2 -bias 0 -batch_first 1 "
      "-dropout 0.0 -bidirectional 1"], FULL),
    ("lstm", torch.nn.LSTM, {}, ["torch::lstm -inputSize 4 -hiddenSize 3 -numLayers 3 "
                                 "-dropout 0.25"], DEEP),
    ("rnn_tanh", torch.nn.RNN, {"nonlinearity": "tanh"},
     ["torch::rnn_tanh 4 3", "torch::rnnTanh -inputSize 4 -hiddenSize 3",
      "torch::rnn_tanh -input_size 4 -hidden_size 3"], {}),
    ("rnn_tanh", torch.nn.RNN, {"nonlinearity": "tanh"},
     ["torch::rnn_tanh 4 3 2 0 1 0.0 1",
      "torch::rnnTanh -inputSize 4 -hiddenSize 3 -numLayers 2 -bias 0 -batchFirst 1 "
      "-bidirectional 1"], FULL),
    ("rnn_relu", torch.nn.RNN, {"nonlinearity": "relu"},
     ["torch::rnn_relu 4 3", "torch::rnnRelu -inputSize 4 -hiddenSize 3",
      "torch::rnnRelu 4 3 1", "torch::rnn_relu -input_size 4 -hidden_size 3"], {}),
    ("rnn_relu", torch.nn.RNN, {"nonlinearity": "relu"},
     ["torch::rnn_relu 4 3 2 0 1 0.0 1",
      "torch::rnn_relu -inputSize 4 -hiddenSize 3 -numLayers 2 -bias 0 -batchFirst 1 "
      "-dropout 0 -bidirectional 1"], FULL),
    ("rnn_relu", torch.nn.RNN, {"nonlinearity": "relu"}, ["torch::rnnRelu 4 3 3 1 0 0.25"], DEEP),
]


def _rnn_id(case):
    return f"{case[0]}-{'-'.join(f'{k}={v}' for k, v in case[4].items()) or 'defaults'}"


@pytest.mark.parametrize("case", RNN_CASES, ids=[_rnn_id(c) for c in RNN_CASES])
def test_recurrent_layer_matches_torch(shared, case):
    tcl = shared
    _, cls, fixed, scripts, kwargs = case
    torch.manual_seed(5)
    want = cls(4, 3, **fixed, **kwargs)
    batch_first = kwargs.get("batch_first", False)
    x = rnd(1, 2, 5, 4) if batch_first else rnd(1, 5, 2, 4)
    tcl.load(dict(x=x))
    expected = None if want.dropout else want(x)[0]
    for i, script in enumerate(scripts):
        handle = _seeded(tcl, script)
        got = tcl.interp.store.get(handle, "module")
        assert type(got) is cls
        for attr in ("mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
                     "dropout", "bidirectional", "nonlinearity"):
            assert getattr(got, attr, None) == getattr(want, attr, None), attr
        sd, ref = got.state_dict(), want.state_dict()
        assert list(sd) == list(ref)
        for k in ref:
            assert torch.equal(sd[k], ref[k]), k
        if i == 0 and expected is not None:     # a forward pass through the handle: torch's
            out = tcl.interp.tensor(tcl(f"lindex [torch::layer_forward {handle} $x] 0"))
            _same(out, expected)


def test_recurrent_layer_trains(shared):
    """The module's parameters are leaves an optimizer can update: the output has a grad_fn and
    a backward pass reaches every weight."""
    tcl = shared
    tcl.load({"x": rnd(2, 6, 3, 4)})
    handle = tcl("torch::lstm 4 3 2")
    out = tcl.interp.tensor(tcl(f"lindex [torch::layer_forward {handle} $x] 0"))
    assert out.grad_fn is not None
    out.sum().backward()
    assert all(p.grad is not None for p in tcl.interp.store.get(handle, "module").parameters())


# --- scaled dot-product attention -----------------------------------------------------------------
def _causal_mask():
    return torch.ones(4, 6, dtype=torch.bool).tril()


SDPA_CASES = [
    # (id, inputs, scripts, keyword arguments of the torch call, seeded)
    ("basic", dict(q=rnd(1, 2, 2, 4, 8), k=rnd(2, 2, 2, 6, 8), v=rnd(3, 2, 2, 6, 5)),
     ["torch::scaled_dot_product_attention $q $k $v",
      "torch::scaled_dot_product_attention -query $q -key $k -value $v",
      "torch::scaledDotProductAttention -value $v -key $k -query $q"], {}, False),
    ("3d-float64-noncontiguous",
     dict(q=rnd(4, 2, 8, 5, dtype=F64).mT, k=rnd(5, 2, 5, 8, dtype=F64), v=rnd(6, 2, 3, 5).mT
          .to(F64)), ["torch::scaled_dot_product_attention $q $k $v"], {}, False),
    ("bool-mask", dict(q=rnd(7, 2, 4, 8), k=rnd(8, 2, 6, 8), v=rnd(9, 2, 6, 8),
                       m=_causal_mask()),
     ["torch::scaled_dot_product_attention $q $k $v $m",
      "torch::scaled_dot_product_attention -query $q -key $k -value $v -attn_mask $m",
      "torch::scaledDotProductAttention -query $q -key $k -value $v -attnMask $m"],
     {"attn_mask": "m"}, False),
    ("float-mask", dict(q=rnd(10, 4, 8), k=rnd(11, 6, 8), v=rnd(12, 6, 8), m=rnd(13, 4, 6)),
     ["torch::scaled_dot_product_attention -query $q -key $k -value $v -attn_mask $m"],
     {"attn_mask": "m"}, False),
    ("causal", dict(q=rnd(14, 2, 5, 8), k=rnd(15, 2, 5, 8), v=rnd(16, 2, 5, 8)),
     ["torch::scaled_dot_product_attention -query $q -key $k -value $v -is_causal 1",
      "torch::scaledDotProductAttention $q $k $v {} 0.0 true"], {"is_causal": True}, False),
    ("scale", dict(q=rnd(17, 3, 8), k=rnd(18, 3, 8), v=rnd(19, 3, 8)),
     ["torch::scaled_dot_product_attention -query $q -key $k -value $v -scale 0.5"],
     {"scale": 0.5}, False),
    ("dropout", dict(q=rnd(20, 2, 4, 8), k=rnd(21, 2, 4, 8), v=rnd(22, 2, 4, 8)),
     ["torch::scaled_dot_product_attention -query $q -key $k -value $v -dropout_p 0.5",
      "torch::scaledDotProductAttention -query $q -key $k -value $v -dropoutP 0.5"],
     {"dropout_p": 0.5}, True),
    ("empty", dict(q=torch.zeros(2, 0, 8), k=rnd(23, 2, 3, 8), v=rnd(24, 2, 3, 8)),
     ["torch::scaled_dot_product_attention $q $k $v"], {}, False),
]


@pytest.mark.parametrize("case", SDPA_CASES, ids=[c[0] for c in SDPA_CASES])
def test_scaled_dot_product_attention(shared, case):
    tcl = shared
    _, inputs, scripts, kwargs, seeded = case
    tcl.load(inputs)
    kw = {k: inputs[v] if k == "attn_mask" else v for k, v in kwargs.items()}
    torch.manual_seed(5)
    want = F.scaled_dot_product_attention(inputs["q"], inputs["k"], inputs["v"], **kw)
    for script in scripts:
        got = tcl.interp.tensor(_seeded(tcl, script) if seeded else tcl(script))
        _same(got, want)


def test_scaled_dot_product_attention_by_hand(shared):
    """softmax(Q K^T / sqrt(d)) V worked out directly, so the comparison above cannot agree on
    nonsense: a query aligned with the first key attends mostly to the first value."""
    tcl = shared
    q, k, v = torch.tensor([[4.0, 0.0]]), torch.eye(2), torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    tcl.load(dict(q=q, k=k, v=v))
    got = tcl.interp.tensor(tcl("torch::scaled_dot_product_attention $q $k $v"))
    w = torch.softmax(torch.tensor([4.0, 0.0]) / math.sqrt(2), 0)
    _same(got, w.unsqueeze(0))


# --- multi-head attention -------------------------------------------------------------------------
def _mha_reference(q, k, v, e, h):
    """torch's multi-head attention with every projection the identity: the page's operation."""
    eye = torch.eye(e, dtype=q.dtype)
    out, _ = F.multi_head_attention_forward(q, k, v, e, h, torch.cat([eye, eye, eye]), None,
                                            None, None, False, 0.0, eye, None, training=False,
                                            need_weights=False)
    return out


MHA_CASES = [
    ("self", dict(q=rnd(1, 5, 2, 8)), "q", "q",
     ["torch::multihead_attention $q $q $q 8 2",
      "torch::multihead_attention -query $q -key $q -value $q -embedDim 8 -numHeads 2",
      "torch::multiheadAttention -query $q -key $q -value $q -embed_dim 8 -num_heads 2"], 2),
    ("cross", dict(q=rnd(2, 3, 2, 8), m=rnd(3, 5, 2, 8)), "m", "m",
     ["torch::multihead_attention $q $m $m 8 4",
      "torch::multiheadAttention -numHeads 4 -embedDim 8 -value $m -key $m -query $q"], 4),
    ("distinct-values", dict(q=rnd(4, 5, 2, 8), k=rnd(5, 6, 2, 8), v=rnd(6, 6, 2, 8)), "k", "v",
     ["torch::multihead_attention $q $k $v 8 1"], 1),
    ("unbatched-float64", dict(q=rnd(7, 5, 8, dtype=F64)), "q", "q",
     ["torch::multihead_attention $q $q $q 8 2"], 2),
    ("noncontiguous", dict(q=rnd(8, 2, 5, 8).transpose(0, 1)), "q", "q",
     ["torch::multihead_attention -query $q -key $q -value $q -embedDim 8 -numHeads 2"], 2),
]


@pytest.mark.parametrize("case", MHA_CASES, ids=[c[0] for c in MHA_CASES])
def test_multihead_attention(shared, case):
    tcl = shared
    _, inputs, kname, vname, scripts, heads = case
    tcl.load(inputs)
    q = inputs["q"]
    want = _mha_reference(q, inputs[kname], inputs[vname], 8, heads)
    for script in scripts:
        _same(tcl.interp.tensor(tcl(script)), want, tol=1e-5)


def test_multihead_attention_autograd(shared):
    tcl = shared
    q = rnd(9, 5, 2, 8).requires_grad_()
    twin = q.detach().clone().requires_grad_()
    tcl.load(dict(q=q))
    got = tcl.interp.tensor(tcl("torch::multihead_attention $q $q $q 8 2"))
    assert got.grad_fn is not None
    (got ** 2).sum().backward()
    (_mha_reference(twin, twin, twin, 8, 2) ** 2).sum().backward()
    _same(q.grad, twin.grad, tol=1e-5)


def test_scaled_dot_product_attention_autograd(shared):
    tcl = shared
    leaves = {n: rnd(i, 2, 4, 8).requires_grad_() for i, n in enumerate("qkv")}
    twins = {n: t.detach().clone().requires_grad_() for n, t in leaves.items()}
    tcl.load(leaves)
    got = tcl.interp.tensor(tcl("torch::scaled_dot_product_attention $q $k $v"))
    assert got.grad_fn is not None
    (got ** 2).sum().backward()
    (F.scaled_dot_product_attention(*twins.values()) ** 2).sum().backward()
    for n in "qkv":
        _same(leaves[n].grad, twins[n].grad, tol=1e-5)


# --- positional encoding --------------------------------------------------------------------------
def _encoding(seq_len, d_model):
    return torch.tensor([[math.sin(p / 10000 ** (i / d_model)) if i % 2 == 0 else
                          math.cos(p / 10000 ** ((i - 1) / d_model)) for i in range(d_model)]
                         for p in range(seq_len)])


@pytest.mark.parametrize("script", ["torch::positional_encoding 5 8 0.0",
                                    "torch::positional_encoding -seqLen 5 -dModel 8 -dropout 0",
                                    "torch::positionalEncoding -seq_len 5 -d_model 8 -dropout 0"])
def test_positional_encoding(shared, script):
    got = shared.interp.tensor(shared(script))
    _same(got, _encoding(5, 8))
    assert got[0, 0] == 0 and got[0, 1] == 1                  # sin 0, cos 0


def test_positional_encoding_dropout(shared):
    got = shared.interp.tensor(_seeded(shared, "torch::positional_encoding 7 6 0.5"))
    torch.manual_seed(5)
    _same(got, F.dropout(_encoding(7, 6), 0.5))
    assert (got == 0).any()
    _same(shared.interp.tensor(shared("torch::positional_encoding 2 4 1.0")), torch.zeros(2, 4))


# --- transformers ---------------------------------------------------------------------------------
def _encoder(d, h, ff, dropout, layers=None):
    layer = torch.nn.TransformerEncoderLayer(d, h, ff, dropout)
    return layer if layers is None else torch.nn.TransformerEncoder(
        layer, layers, enable_nested_tensor=False)


def _decoder(d, h, ff, dropout, layers=None):
    layer = torch.nn.TransformerDecoderLayer(d, h, ff, dropout)
    return layer if layers is None else torch.nn.TransformerDecoder(layer, layers)


def _pad(t, d):
    t = t.unsqueeze(0) if t.dim() == 1 else t
    return F.pad(t, (0, d - t.shape[-1])) if t.shape[-1] < d else t[..., :d]


TRANSFORMER_CASES = [
    # (id, inputs, scripts, the module (seeded), how the inputs reach it)
    ("encoder_layer", dict(s=rnd(1, 5, 2, 8)),
     ["torch::transformer_encoder_layer $s 8 2 16 0.0",
      "torch::transformer_encoder_layer -src $s -dModel 8 -nhead 2 -dimFeedforward 16 "
      "-dropout 0.0",
      "torch::transformerEncoderLayer -src $s -d_model 8 -nhead 2 -dim_feedforward 16 "
      "-dropout 0"], lambda: _encoder(8, 2, 16, 0.0), lambda s: (s,)),
    ("encoder_layer-dropout", dict(s=rnd(2, 5, 8)),
     ["torch::transformer_encoder_layer $s 8 2 16 0.3"], lambda: _encoder(8, 2, 16, 0.3),
     lambda s: (s,)),
    ("encoder_layer-1d-padded", dict(s=rnd(3, 6)),
     ["torch::transformer_encoder_layer $s 8 2 16 0.0"], lambda: _encoder(8, 2, 16, 0.0),
     lambda s: (_pad(s, 8),)),
    ("encoder", dict(s=rnd(4, 5, 2, 8)),
     ["torch::transformer_encoder $s 8 2 2 16 0.0",
      "torch::transformer_encoder -src $s -dModel 8 -nhead 2 -numLayers 2 -dimFeedforward 16 "
      "-dropout 0.0",
      "torch::transformerEncoder -src $s -dModel 8 -nhead 2 -numLayers 2 -dimFeedforward 16 "
      "-dropout 0"], lambda: _encoder(8, 2, 16, 0.0, 2), lambda s: (s,)),
    ("encoder-default-dropout-cut", dict(s=rnd(5, 5, 2, 10).mT.mT),
     ["torch::transformer_encoder $s 8 2 2 16"], lambda: _encoder(8, 2, 16, 0.1, 2),
     lambda s: (s[..., :8],)),
    ("decoder_layer", dict(t=rnd(6, 4, 2, 8), m=rnd(7, 5, 2, 8)),
     ["torch::transformer_decoder_layer $t $m 8 2 16 0.0",
      "torch::transformer_decoder_layer -tgt $t -memory $m -dModel 8 -nhead 2 "
      "-dimFeedforward 16 -dropout 0.0",
      "torch::transformerDecoderLayer $t $m 8 2 16 0"],
     lambda: _decoder(8, 2, 16, 0.0), lambda t, m: (t, m)),
    ("decoder_layer-padded", dict(t=rnd(8, 4, 6), m=rnd(9, 5, 6)),
     ["torch::transformer_decoder_layer $t $m 8 2 16 0.2"],
     lambda: _decoder(8, 2, 16, 0.2), lambda t, m: (_pad(t, 8), _pad(m, 8))),
    ("decoder", dict(t=rnd(10, 4, 2, 8), m=rnd(11, 5, 2, 8)),
     ["torch::transformer_decoder $t $m 8 2 2 16 0.0",
      "torch::transformer_decoder -tgt $t -memory $m -dModel 8 -nhead 2 -numLayers 2 "
      "-dimFeedforward 16 -dropout 0",
      "torch::transformerDecoder -tgt $t -memory $m -d_model 8 -nhead 2 -num_layers 2 "
      "-dim_feedforward 16 -dropout 0.0"],
     lambda: _decoder(8, 2, 16, 0.0, 2), lambda t, m: (t, m)),
    ("decoder-default-dropout", dict(t=rnd(12, 4, 8), m=rnd(13, 5, 8)),
     ["torch::transformerDecoder $t $m 8 2 2 16"], lambda: _decoder(8, 2, 16, 0.1, 2),
     lambda t, m: (t, m)),
]


@pytest.mark.parametrize("case", TRANSFORMER_CASES, ids=[c[0] for c in TRANSFORMER_CASES])
def test_transformer(shared, case):
    tcl = shared
    _, inputs, scripts, build, feed = case
    tcl.load(inputs)
    torch.manual_seed(5)
    module = build()
    want = module(*feed(**inputs))
    first = next(iter(inputs.values()))
    if first.dim() == 1:
        want = want.squeeze(0)
    assert module.training
    for script in scripts:
        got = tcl.interp.tensor(_seeded(tcl, script))
        _same(got, want, tol=1e-5)
        assert got.grad_fn is not None


def test_transformer_autograd(shared):
    """A gradient reaches the source through every layer."""
    tcl = shared
    s = rnd(14, 5, 8).requires_grad_()
    tcl.load(dict(s=s))
    got = tcl.interp.tensor(tcl("torch::transformer_encoder $s 8 2 2 16 0.0"))
    got.sum().backward()
    assert s.grad is not None and s.grad.abs().sum() > 0


# --- the pages' error texts -----------------------------------------------------------------------
ERRORS = [
    ("torch::gru 10", "Usage: torch::gru input_size hidden_size ?num_layers?"),
    ("torch::gru -input_size 10", "Required parameters missing or invalid"),
    ("torch::gru -input_size 0 -hidden_size 20", "Required parameters missing or invalid"),
    ("torch::gru -input_size 10 -hidden_size -1", "Required parameters missing or invalid"),
    ("torch::gru -input_size 10 -hidden_size 20 -num_layers 0",
     "Required parameters missing or invalid"),
    ("torch::gru -input_size 10 -hidden_size 20 -dropout -0.1",
     "Required parameters missing or invalid"),
    ("torch::gru -input_size not_a_number -hidden_size 20", "Invalid inputSize value"),
    ("torch::gru -input_size 10 -hidden_size 20 -bias not_a_boolean", "Invalid bias value"),
    ("torch::gru -input_size 10 -hidden_size 20 -unknown_param value",
     "Unknown parameter: -unknown_param"),
    ("torch::lstm -inputSize 300", "input_size, hidden_size, and num_layers must be > 0"),
    ("torch::lstm -inputSize 0 -hiddenSize 128",
     "input_size, hidden_size, and num_layers must be > 0"),
    ("torch::lstm -inputSize 300 -hiddenSize 128 -dropout -0.1", "dropout must be >= 0.0"),
    ("torch::lstm -inputSize invalid -hiddenSize 128", "Invalid input_size value"),
    ("torch::lstm -inputSize 300 -hiddenSize 128 -bias invalid", "Invalid bias value"),
    ("torch::lstm -inputSize 300 -hiddenSize 128 -unknown param", "Unknown parameter: -unknown"),
    ("torch::rnn_relu 10", "Usage: torch::rnn_relu input_size hidden_size"),
    ("torch::rnn_relu -inputSize -5 -hiddenSize 10",
     "Required parameters missing or invalid: inputSize, hiddenSize must be positive"),
    ("torch::rnn_relu -inputSize 10 -hiddenSize 20 -invalidParam 5",
     "Unknown parameter: -invalidParam"),
    ("torch::rnn_relu -inputSize 10 -hiddenSize 20 -dropout -0.1",
     "Required parameters missing or invalid"),
    ("torch::rnn_tanh -inputSize 10", "Required parameters missing or invalid"),
    ("torch::rnn_tanh -inputSize 0 -hiddenSize 20", "Required parameters missing or invalid"),
    ("torch::rnn_tanh -inputSize 10 -hiddenSize 20 -invalid 5", "Unknown parameter: -invalid"),
    ("torch::rnn_tanh -inputSize 10 -hiddenSize 20 -dropout 1.5",
     "Required parameters missing or invalid"),
    ("torch::multihead_attention -query $q -key $q -embedDim 8 -numHeads 2",
     "Required parameters missing: query, key, value, embedDim, numHeads"),
    ("torch::multihead_attention -query $q -key $q -value $q -embedDim 8 -heads 2",
     "Unknown parameter: -heads"),
    ("torch::multihead_attention $q $q $q 8 3", "embed_dim (8) must be divisible by num_heads (3)"),
    ("torch::multihead_attention $q $q $q 6 2", "Invalid query shape [5, 2, 8]"),
    ("torch::multihead_attention $q $q $q 8 0", "Invalid numHeads: 0 (must be positive)"),
    ("torch::multihead_attention nosuch $q $q 8 2", "Invalid query tensor"),
    ("torch::scaled_dot_product_attention $q $q", "Required parameter missing: value"),
    ("torch::scaled_dot_product_attention $q $q nosuch", "Invalid value tensor"),
    ("torch::scaled_dot_product_attention -query $q -key $q -value $q -dropout_p 2",
     "Invalid dropout_p: 2 (must be in [0, 1])"),
    ("torch::scaled_dot_product_attention -query $q -key $q -value $q -bad 1",
     "Unknown parameter: -bad"),
    ("torch::positional_encoding 10 512", "Required parameter missing: dropout"),
    ("torch::positional_encoding 10 7 0.1", "Invalid dModel: 7 (must be a positive even number)"),
    ("torch::positional_encoding 0 8 0.1", "Invalid seqLen: 0 (must be positive)"),
    ("torch::positional_encoding 10 8 1.5", "Invalid dropout: 1.5 (must be in [0, 1])"),
    ("torch::positional_encoding -seqLen x -dModel 8 -dropout 0", "Invalid seqLen value"),
    ("torch::transformer_decoder $q $q 8 2 1",
     "Usage: torch::transformer_decoder tgt memory d_model nhead num_layers dim_feedforward"),
    ("torch::transformer_decoder $q $q 8 0 1 16",
     "Invalid parameters: all tensors must be defined, dModel, nhead, numLayers, and "
     "dimFeedforward must be positive"),
    ("torch::transformer_decoder nosuch $q 8 2 1 16", "Invalid parameters: all tensors must be"),
    ("torch::transformer_decoder -tgt $q -memory $q -dModel 8 -nhead 2 -numLayers 1 "
     "-dimFeedforward 16 -unknown 1", "Unknown parameter: -unknown"),
    ("torch::transformer_decoder_layer $q $q 8 2 16",
     "Usage: torch::transformer_decoder_layer tgt memory d_model nhead dim_feedforward dropout"),
    ("torch::transformer_decoder_layer $q $q 8 2 16 1.5",
     "Invalid parameters: all tensors must be defined, dModel, nhead, dimFeedforward must be "
     "positive, dropout must be in range [0,1]"),
    ("torch::transformer_encoder_layer $q 8 2 16",
     "Usage: torch::transformer_encoder_layer src d_model nhead dim_feedforward dropout"),
    ("torch::transformer_encoder_layer $q 8 2 -16 0.1", "Invalid parameters: src must be defined"),
    ("torch::transformer_encoder $q 8 2",
     "Usage: torch::transformer_encoder src d_model nhead num_layers dim_feedforward"),
    ("torch::transformer_encoder $q 8 3 1 16", "embed_dim must be divisible by num_heads"),
]


@pytest.mark.parametrize("script, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_errors(shared, script, message):
    shared.load({"q": rnd(1, 5, 2, 8)})
    assert message in shared.error(script).message
