"""Random calls of torch:: commands, for the property and crash tests: mostly well-formed words
(handles of each kind made by SETUP, numbers, a command's own options and their aliases, by
position, by option or mixed), with a word out of place now and then; and, for crash hunting,
EDGE words (empty, NaN and extreme tensors, huge and negative numbers, odd dtypes, broken lists)
put in place of any word."""

from torchtcl_kernel.core import types

SETUP = """
    set t [torch::tensor_create {1.5 -2.0 3.0}]
    set m [torch::tensor_create {{1.0 2.0} {3.0 4.0}}]
    set i [torch::tensor_create {3 1 2} int64]
    set b [torch::tensor_create {1 0 1} bool]
    set g [torch::tensor_create {0.5 1.0 2.0} float32 cpu true]
    set l [torch::linear 2 2]
    set p [torch::layer_parameters $l]
    set o [torch::optimizer_sgd $p 0.1 0.9]
    set s [torch::grad_scaler_new 1024.0]
    set sch [torch::lr_scheduler_step $o 2 0.5]
"""
VALUES = ["$t", "$m", "$i", "$b", "$g", "$l", "$p", "$o", "$s", "$sch", "[list $t $m]",
          "0", "1", "2", "-1", "0.5", "1e-3", "true", "false", "float32", "int64", "cpu",
          "{2 2}", "{1 2 3}", "{}", "x", "-"]


# The crash hunt's extra handles (EDGE_SETUP, after SETUP) and words put in place of any word
EDGE_SETUP = """
    set e [torch::tensor_create {}]
    set z [torch::tensor_create 3.0]
    set n [torch::tensor_create {nan inf -inf}]
    set w [torch::tensor_create {{{1 2} {3 4}} {{5 6} {7 8}}}]
    set k [torch::tensor_create {2 0 1} int32]
    set big [torch::tensor_create {9223372036854775807 -9223372036854775808 0} int64]
"""
EDGE = ["$e", "$z", "$n", "$w", "$k", "$big", "1e308", "-1e308", "nan", "inf", "-inf",
        "9223372036854775807", "-9223372036854775808", "99999999999999999999", "-2", "-100",
        "5000", "{-1 -1}", "{0}", "{0 0}", "{3 0}", "{}", "{{}}", "0x10", "1e-320", "-0.0",
        "{1 {2 3}}", "\\{", "complex64", "bool", "uint8", "float16", "bfloat16", "int8",
        "{2 -3}", "{1 1 1 1 1 1 1 1 1}", "-3", "7", "33", "64"]


HANDLES = {"tensor": ["$t", "$m", "$g", "$i", "$b"], "module": ["$l"], "optimizer": ["$o"],
           "scaler": ["$s"], "scheduler": ["$sch"], "any": ["$t", "$l"]}
LISTS = {"tensor": ["$p", "[list $t $g]", "$m"], "module": ["[list $l]"]}


def good_words(p):
    """Words parameter p takes, most of the time: what makes the fast path run."""
    t = p.type
    if isinstance(t, (types.HandleList, types.Params)):
        return LISTS.get(t.handle_kind, HANDLES.get(t.handle_kind, VALUES))
    if t.handle_kind in HANDLES:
        return HANDLES[t.handle_kind] + (["2", "0.5"] if isinstance(t, types.TensorOrNumber)
                                         else [])
    if isinstance(t, types.Choice):
        return list(t.choices)
    for kinds, words in (
            ((types.Bool,), ["true", "false", "0", "1"]),
            ((types.Int,), ["0", "1", "-1", "2"]),
            ((types.IntList,), ["{2 2}", "{1}", "0", "-1", "{0 1}"]),
            ((types.Float, types.Number, types.LambdaOrNumber), ["0.5", "2", "1e-3", "0"]),
            ((types.Numbers, types.FloatList), ["{1 2 3}", "{0.5 0.5}", "1.0"]),
            ((types.FloatPair,), ["{0.5 0.9}"]),
            ((types.DType,), ["float32", "int64", "float64"]),
            ((types.Device,), ["cpu"])):
        if isinstance(t, kinds):
            return words
    return VALUES


def call_words(cmd, pick, chance):
    """A call of cmd: its required parameters and some optional ones, positionally, by option or
    both (`pick(seq)` chooses one item, `chance(p)` is true with probability p), now and then
    with a word out of place."""
    chosen = [p for p in cmd.params if p.required or chance(0.4)]
    positional = pick(range(len(chosen) + 1))
    words = [pick(good_words(p)) for p in chosen[:positional]]
    for p in chosen[positional:]:
        words += [pick([p.option, *(f"-{a}" for a in p.aliases)]), pick(good_words(p))]
    if words and chance(0.25):
        words[pick(range(len(words)))] = pick(VALUES)
    if chance(0.1):
        words.append(pick(VALUES))
    return words


def edge_words(words, pick, chance):
    """The words with each replaced, at a chance of one in three, by an EDGE word."""
    return [pick(EDGE) if chance(0.35) else w for w in words]
