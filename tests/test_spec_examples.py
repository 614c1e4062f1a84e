"""Run the Tcl examples of every implemented command's spec page, in page order.

A block may fail only for a reason written down here: it is not standalone (uses a variable another
snippet made), it shows an error the page itself documents, the page's Tcl is broken, or it asks
PyTorch for something PyTorch refuses. Anything else is a regression.
"""

import re

import pytest

from conftest import SPEC
from torchtcl_kernel import TorchTcl, TorchTclError
from torchtcl_kernel.core.registry import REGISTRY

# Tcl errors that come from how a page's snippet is written, not from a command.
NOT_STANDALONE = ("no such variable",            # uses a variable from another snippet
                  "invalid command name",        # `cmd  # comment` instead of `cmd ;# comment`
                  'should be "::torchtcl::_puts', 'should be "set varName')

KNOWN = {
    ("rand", 7): "page bug: {$batch_size ...} is braced, so Tcl never substitutes the variable",
    ("rand", 8): "page bug: {$n_samples} is braced",
    ("randn", 6): "page bug: {$fan_out $fan_in} is braced",
    ("randn", 9): "page bug: {$n_steps} is braced",
    ("randn", 14): "page bug: {out_features in_features} are words, not numbers",
    ("layer_forward", 23): "reuses $layer/$input from unrelated earlier snippets (shapes differ)",
    ("layer_forward", 24): "reuses $layer/$input from unrelated earlier snippets (shapes differ)",
    ("tensor_item", 14): "reuses $tensor, last set to an empty tensor by an earlier snippet",
    ("tensor_item", 15): "same",
    ("tensor_item", 16): "same",
    ("tensor_item", 17): "same",
    ("zeros_like", 4): "PyTorch refuses requires_grad on an int32 tensor",
    ("lr_scheduler_exponential", 4): "pseudo-code: tensor_create {/* model parameters */}",
    ("lr_scheduler_exponential", 6): "pseudo-code: tensor_create {/* model parameters */}",
    ("lr_scheduler_plateau", 12): "a list of calls that are all meant to fail",
    ("lr_scheduler_reduce_on_plateau", 19): "a list of calls that are all meant to fail",
}


def _pages():
    if not SPEC.is_dir():
        return []
    return sorted(name for name in REGISTRY if (SPEC / f"{name}.md").exists())


def _runnable(block, known_commands):
    used = set(re.findall(r"torch::(\w+)", block))
    return not (used - known_commands) and "cuda" not in block and ("$" in block or "[" in block)


@pytest.mark.skipif(not SPEC.is_dir(), reason="the spec pages (../shared/spec) are not beside this clone")
def test_spec_page_examples_run():
    known_commands = {n for c in REGISTRY.values() for n in c.names}
    ran, unexplained, explained = 0, [], 0
    for name in _pages():
        text = (SPEC / f"{name}.md").read_text()
        interp = TorchTcl(stdout=lambda s: None, stderr=lambda s: None)
        for i, block in enumerate(re.findall(r"```tcl\n(.*?)```", text, re.S)):
            if not _runnable(block, known_commands):
                continue
            try:
                interp.eval(block)
                ran += 1
            except TorchTclError as e:
                m = e.message
                if (any(s in m for s in NOT_STANDALONE) or m[:60] in text
                        or m.split(":")[0] in text or (name, i) in KNOWN):
                    explained += 1
                else:
                    unexplained.append(f"{name} block {i}: {m}")
    assert not unexplained, "\n".join(unexplained)
    assert ran >= 200, f"only {ran} example blocks ran"
