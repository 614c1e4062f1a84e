"""The padding commands against torch.nn.functional.pad: values, dtype and shape on seeded random
inputs (batched, unbatched, non-contiguous, float64 and integer), each command in its positional
and named syntax and by its camelCase name, autograd, and the pages' error texts."""

import pytest
import torch
import torch.nn.functional as F
from conftest import Session

from torchtcl_kernel.core.registry import camel

MODES = {"zero": "constant", "circular": "circular", "reflection": "reflect",
         "replication": "replicate"}
# per number of padded dimensions: a batched shape, an unbatched shape, a padding list
SHAPES = {1: ((2, 3, 7), (3, 6), (2, 3)), 2: ((2, 3, 5, 6), (3, 4, 5), (1, 2, 3, 0)),
          3: ((1, 2, 4, 5, 6), (2, 3, 4, 5), (1, 0, 2, 1, 2, 1))}


@pytest.fixture(scope="module")
def tcl():
    return Session()


def expected(x, pad, mode):
    return F.pad(x, pad, mode, 0.0) if mode == "constant" else F.pad(x, pad, mode)


def _same(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape
    assert torch.equal(got, want)


CASES = [(kind, n) for kind in MODES for n in (1, 2, 3)]


@pytest.mark.parametrize("kind, n", CASES, ids=[f"{k}_pad{n}d" for k, n in CASES])
def test_padding_matches_torch(tcl, kind, n):
    mode = MODES[kind]
    name = f"{kind}_pad{n}d"
    batched, unbatched, pad = SHAPES[n]
    g = torch.Generator().manual_seed(n)
    words = "{" + " ".join(map(str, pad)) + "}"
    inputs = [torch.randn(*batched[:-2], batched[-1], batched[-2], generator=g).transpose(-1, -2),
              torch.randn(*unbatched, generator=g, dtype=torch.float64)]
    for x in inputs:
        assert x.is_contiguous() == (x.dtype == torch.float64)
        tcl(f"set x {tcl.interp.put(x)}")
        want = expected(x, pad, mode)
        for script in [f"torch::{name} $x {words}", f"torch::{name} -input $x -padding {words}",
                       f"torch::{camel(name)} -tensor $x -pad {words}",
                       f"torch::{camel(name)} -pad {words} -input $x"]:
            _same(tcl.interp.tensor(tcl(script)), want)
    # autograd
    x = inputs[0].detach().requires_grad_()
    tcl(f"set x {tcl.interp.put(x)}")
    got = tcl.interp.tensor(tcl(f"torch::{name} $x {words}"))
    assert got.grad_fn is not None
    (got * got).sum().backward()
    want_grad, = torch.autograd.grad((expected(x, pad, mode) ** 2).sum(), x)
    torch.testing.assert_close(x.grad, want_grad)


@pytest.mark.parametrize("kind", ["zero", "replication"])
def test_integer_tensors_keep_their_dtype(tcl, kind):
    x = torch.arange(12, dtype=torch.int32).reshape(1, 3, 4)
    tcl(f"set x {tcl.interp.put(x)}")
    _same(tcl.interp.tensor(tcl(f"torch::{kind}_pad1d $x {{2 1}}")),
          expected(x, (2, 1), MODES[kind]))


@pytest.mark.parametrize("kind", ["zero", "circular"])
def test_negative_padding_crops_as_in_torch(tcl, kind):
    x = torch.randn(1, 2, 5, 6, generator=torch.Generator().manual_seed(9))
    tcl(f"set x {tcl.interp.put(x)}")
    _same(tcl.interp.tensor(tcl(f"torch::{kind}_pad2d $x {{-1 2 0 -2}}")),
          expected(x, (-1, 2, 0, -2), MODES[kind]))


def test_zero_padding_takes_any_rank(tcl):
    # constant padding pads the last dimensions of any tensor (zero_pad1d.md pads a 1-D arange)
    tcl("set t [torch::arange -start 1 -end 5 -dtype float32]")
    assert tcl("torch::tensor_shape [torch::zero_pad1d $t {2 3}]") == "9"
    x = torch.ones(2, 2)
    tcl(f"set m {tcl.interp.put(x)}")
    _same(tcl.interp.tensor(tcl("torch::zero_pad2d $m {2 0 1 3}")), F.pad(x, (2, 0, 1, 3)))


USAGE = "Usage: torch::{name} tensor padding | torch::{camel} -input tensor -padding {{values}}"
ERRORS = [
    ("torch::circular_pad1d", USAGE.format(name="circular_pad1d", camel="circularPad1d")),
    ("torch::circularPad2d", USAGE.format(name="circular_pad2d", camel="circularPad2d")),
    ("torch::zero_pad3d", USAGE.format(name="zero_pad3d", camel="zeroPad3d")),
    ("torch::circular_pad1d invalid_tensor {1 2}", "Invalid tensor name: invalid_tensor"),
    ("torch::circular_pad1d -input $x -padding {1 2} -invalid_param value",
     "Unknown parameter: -invalid_param. Valid parameters are: -input, -tensor, -padding, -pad"),
    ("torch::zero_pad1d -foo $x -padding {1 1}",
     "Unknown parameter: -foo. Valid parameters are: -input, -tensor, -padding, -pad"),
    ("torch::circular_pad1d -input $x -padding {1}", "Padding must be a list of 2 values for 1D"),
    ("torch::zero_pad1d $x {1 2 3}", "Padding must be a list of 2 values for 1D"),
    ("torch::circular_pad2d -input $x -padding {1 2 3}",
     "Padding must be a list of 4 values for 2D"),
    ("torch::zero_pad3d $x {1 2 3}", "Padding must be a list of 6 values for 3D"),
    ("torch::circular_pad1d -input $x -padding {invalid 2}", 'expected integer but got "invalid"'),
    ("torch::circular_pad2d -input $x -padding {10 10 10 10}",
     "Padding value causes wrapping around more than once"),
    ("torch::reflection_pad3d $v {1 1 1}", "Padding must be a list of 6 values for 3D"),
    ("torch::reflection_pad3d $v {-1 1 1 1 1 1}",
     "Invalid padding value: padding cannot be negative"),
    ("torch::replication_pad1d $x {-1 1}", "Invalid padding value: padding cannot be negative"),
    ("torch::reflectionPad3d -padding {1 1 1 1 1 1}",
     "Required parameters missing: input tensor and padding values required"),
    ("torch::reflection_pad1d $x {3 0}", "Padding size should be less than the corresponding"),
]


@pytest.mark.parametrize("script, message", ERRORS, ids=[e[0] for e in ERRORS])
def test_padding_errors(tcl, script, message):
    tcl(f"set x {tcl.interp.put(torch.zeros(2, 3, 3))}")
    tcl(f"set v {tcl.interp.put(torch.zeros(1, 1, 2, 2, 2))}")
    assert message in tcl.error(script).message
