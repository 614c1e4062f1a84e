"""The README's code blocks run as written: ```python blocks in a fresh Python, ```tcl blocks as
a `torchtcl run` script. Other fences (sh: `make ...`) are not run; a block fenced with `no-test`
in its info string (```python no-test) is skipped, and the README says why next to it."""

import ast
import re
import subprocess
import sys

import pytest
from conftest import ROOT, run_cli

pytestmark = pytest.mark.slow   # starts real processes (kernels, CLIs): `make test-fast` skips it

README = ROOT / "README.md"
RUNNABLE = ("python", "tcl")
# A fence opens with ``` or more backticks, an info string, and closes with the same backticks.
FENCE = re.compile(r"^(?P<ticks>`{3,})(?P<info>[^`\n]*)\n(?P<body>.*?)^(?P=ticks)[ \t]*$",
                   re.M | re.S)
# `expression   # -> value`: the README's claim of what the expression gives.
CLAIM = re.compile(r"^(?P<code>\S.*?)\s+# -> (?P<value>.+)$")


def blocks(text):
    """[(language, info words after it, first line number of the body, body)] of every fence."""
    found = []
    for m in FENCE.finditer(text):
        language, *flags = m["info"].split() or [""]
        line = text.count("\n", 0, m.start("body")) + 1
        found.append((language, flags, line, m["body"]))
    return found


def checked(code):
    """`code` with each `expr  # -> literal` line made `assert (expr) == literal`; claims that
    are no Python literal (`# -> the torch.Tensor ...`) stay comments."""
    lines = []
    for line in code.splitlines():
        m = CLAIM.match(line)
        if m:
            try:
                ast.literal_eval(m["value"])
            except (ValueError, SyntaxError):
                pass
            else:
                line = f"assert ({m['code']}) == {m['value']}, ({m['code']})"
        lines.append(line)
    return "\n".join(lines) + "\n"


BLOCKS = [b for b in blocks(README.read_text()) if b[0] in RUNNABLE]


def test_the_readme_has_blocks_to_run():
    languages = {language for language, flags, _, _ in BLOCKS if "no-test" not in flags}
    assert languages == set(RUNNABLE)


def test_claims_become_assertions():
    assert checked('f(1)   # -> "tensor2"\nx = 1  # no claim\ng()  # -> a tensor\n') == (
        'assert (f(1)) == "tensor2", (f(1))\nx = 1  # no claim\ng()  # -> a tensor\n')


@pytest.mark.parametrize("language,flags,line,body", BLOCKS,
                         ids=[f"{b[0]}-line{b[2]}" for b in BLOCKS])
def test_readme_block_runs(language, flags, line, body, tmp_path):
    if "no-test" in flags:
        pytest.skip(f"README.md line {line} is fenced no-test")
    if language == "python":
        # A fresh interpreter in an empty directory: the block must import what it uses.
        r = subprocess.run([sys.executable, "-c", checked(body)], capture_output=True, text=True,
                           timeout=300, cwd=tmp_path)
    else:
        script = tmp_path / "readme.tcl"
        script.write_text(body)
        r = run_cli("run", str(script), timeout=300)
    assert r.returncode == 0, f"README.md line {line}:\n{r.stdout}{r.stderr}"
    assert "Traceback" not in r.stderr and "error" not in r.stderr.lower(), r.stderr
