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
from calls import SETUP, call_words
from conftest import python_calls
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from torchtcl_kernel import TorchTcl, TorchTclError
from torchtcl_kernel.core.registry import REGISTRY

HANDLE = re.compile(r"(?<![-\w])([a-z_]+)\d+\b")
TENSORS = ("t", "m", "i", "b", "g")
VALUE_LIST = re.compile(r"\] \[[^\]]*\]>")      # the values in a tensor's text (see plain)
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
