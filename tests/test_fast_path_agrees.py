"""Differential property test: the C fast path means exactly what the Python parser means.

Two interpreters start from the same script: one as users get it, one with TORCHTCL_FAST=0, where
every call goes through Command.parse. Each example calls one command with the same words in
both, from the same random seed, and expects the same result (a handle in it read as its kind
and values, since which number a name gets is no part of its meaning) or the same error, and the
same values left in every tensor the call could change. The words are drawn to be mostly
well-formed (handles of each kind, numbers, the command's own options and their aliases), so that
the fast path takes most calls, with junk mixed in, so that it must hand the rest to the parser."""

import os
import re

import pytest
import torch
from conftest import python_calls
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from torchtcl_kernel import TorchTcl, TorchTclError
from torchtcl_kernel.core import types
from torchtcl_kernel.core.registry import REGISTRY

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
HANDLE = re.compile(r"(?<![-\w])([a-z_]+)\d+\b")
TENSORS = ("t", "m", "i", "b", "g")
VALUE_LIST = re.compile(r"\] \[[^\]]*\]>")      # the values in a tensor's text (see plain)
VALUES = ["$t", "$m", "$i", "$b", "$g", "$l", "$p", "$o", "$s", "$sch", "[list $t $m]",
          "0", "1", "2", "-1", "0.5", "1e-3", "true", "false", "float32", "int64", "cpu",
          "{2 2}", "{1 2 3}", "{}", "x", "-"]

# Commands whose effect reaches past the interpreter (files, processes, other ranks, the
# compiler) or whose result is not a function of its words (time, memory, object identity)
OUTSIDE = {"checkpoint", "distributed", "launch", "compile", "telemetry"}
# Which unreferenced handles are still alive: the parser reads a handle word as text, which lets
# the handle escape (kept until torch::collect), where the fast path reads its pointer
RECLAIMING = {"handles", "collect"}
# Commands whose values are not a function of their words in plain PyTorch either: uninitialised
# memory, and LAPACK's gelsy, whose answer varies with the operands' alignment in memory
# (torch.linalg.lstsq(m, m) gives 1.0 or 0.99999958 from one call to the next). Their results
# are compared by dtype and shape only.
UNDEFINED_VALUES = {"empty", "empty_like", "lstsq"}


def _commands():
    names = []
    for name, cmd in sorted(REGISTRY.items()):
        if cmd.fast is None or cmd.family in OUTSIDE:
            continue
        if any(w in name for w in ("save", "load", "show", "plot", "export", "memory", "seed",
                                   "benchmark", "profiler")) or name in RECLAIMING:
            continue
        names.append(name)
    return names


COMMANDS = _commands()


class Twins:
    def __init__(self):
        self.fast = TorchTcl(stdout=lambda s: None, stderr=lambda s: None)
        os.environ["TORCHTCL_FAST"] = "0"
        try:
            self.general = TorchTcl(stdout=lambda s: None, stderr=lambda s: None)
        finally:
            del os.environ["TORCHTCL_FAST"]

    @staticmethod
    def plain(interp, text):
        """The text with each live handle's name replaced by its kind and, for a tensor, its
        values: names are opaque, and which number a name gets is no part of the meaning."""
        def value(m):
            name = m.group(0)
            if name not in interp.store:
                return name
            kind = interp.store.kind_of(name)
            if kind != "tensor":
                return f"<{kind}>"
            t = interp.tensor(name)
            t = t.dequantize() if t.is_quantized else t
            t = t.to_dense() if t.layout != torch.strided else t
            values = t.detach().reshape(-1)[:16]
            return f"<{t.dtype} {list(t.shape)} {values.tolist()}>"
        return HANDLE.sub(value, text)

    def run(self, interp, script):
        torch.manual_seed(0)
        interp.eval(SETUP)
        try:
            outcome = ("ok", self.plain(interp, interp.eval(script)))
        except TorchTclError as e:
            # (an error may name a handle, or write usage placeholders like tensor1)
            outcome = ("error", HANDLE.sub(lambda m: m.group(1) + "#", e.message), e.error_code)
        after = []
        for name, kind in [*((t, "tensor") for t in TENSORS), ("l", "module")]:
            handle = interp.eval(f"set {name}")
            if handle not in interp.store:
                after.append(None)              # freed by the call
            elif kind == "module":
                after += [p.detach().clone() for p in interp.store.get(handle, kind).parameters()]
            else:
                after.append(interp.tensor(handle).detach().clone())
        return outcome, after


@pytest.fixture(scope="module")
def twins(tmp_path_factory):
    """The twins, in a directory of their own (a word may name a file a command writes)."""
    here = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("twins"))
    try:
        yield Twins()
    finally:
        os.chdir(here)


def test_the_general_interpreter_has_no_fast_path(twins):
    parse = REGISTRY["tensor_add"].parse.__func__
    for interp, parsed in ((twins.fast, False), (twins.general, True)):
        interp.eval(SETUP)
        with python_calls(parse) as calls:
            interp.eval("torch::tensor_add $t $t")
        assert bool(calls) is parsed


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


@settings(max_examples=600, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), name=st.sampled_from(COMMANDS))
def test_fast_path_and_parser_agree(twins, data, name):
    words = call_words(REGISTRY[name], lambda seq: data.draw(st.sampled_from(list(seq))),
                       lambda p: data.draw(st.integers(0, 99)) < p * 100)
    # a literal name: which unreferenced handles are alive differs (see RECLAIMING)
    assume(not any(w in twins.fast.store or w in twins.general.store for w in words))
    script = " ".join([f"torch::{name}", *words])
    (fast, fast_after), (general, general_after) = (twins.run(twins.fast, script),
                                                    twins.run(twins.general, script))
    if name in UNDEFINED_VALUES:
        fast, general = (VALUE_LIST.sub("]>", str(outcome)) for outcome in (fast, general))
    assert fast == general, script
    assert len(fast_after) == len(general_after), f"{script}: $l freed in one only"
    for x, y, what in zip(fast_after, general_after, [*TENSORS, "weight", "bias"], strict=False):
        assert (x is None) == (y is None), f"{script}: ${what} freed in one only"
        if x is not None:
            torch.testing.assert_close(x, y, rtol=0, atol=0, equal_nan=True,
                                       msg=lambda m, what=what: f"{script}: ${what}: {m}")
