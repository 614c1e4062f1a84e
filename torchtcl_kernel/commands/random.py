"""Random state and sampling: seeds, the generator's state, the random *_like constructors and
samplers of the common distributions."""

import torch

from ..core.errors import CommandError
from ..core.registry import UNKNOWN_LISTED, Family, param
from ..core.types import BOOL, DEVICE, DTYPE, FLOAT, INT, SHAPE, STRING, TENSOR, Int
from .common import TENSOR_INPUT, non_negative, positive, tensor_input
from .tensors import DEVICE_P, DTYPE_P, GRAD_P, _finish, like

random = Family("random")

like(random, "randn_like", torch.randn_like)
like(random, "rand_like", torch.rand_like)

# The samplers' shared parameters: the output's shape (`-size`, or `-shape`), its dtype, device.
SIZE = param("size", SHAPE, aliases=("shape",))
SAMPLER_TAIL = (DTYPE_P, DEVICE_P)


# torch.manual_seed takes any unsigned 64-bit seed
@random.command("manual_seed", param("seed", Int(hi=(1 << 64) - 1), aliases=("s",),
                                     check=non_negative,
                                     check_msg="Seed must be non-negative"),
                errors={"prefix": "Error in manual_seed: ",
                        "missing": "Required parameters missing: seed value required",
                        "no_value": "Named parameters must come in pairs",
                        "unknown": UNKNOWN_LISTED},
                returns="ok")
def manual_seed(seed):
    """Seed every PyTorch random generator (CPU and CUDA) for reproducible runs."""
    torch.manual_seed(seed)
    return "ok"


def _no_args(name, wrong="wrong"):
    """The errors of a command that takes no argument at all: Tcl's own wording."""
    text = f'{wrong} # args: should be "torch::{name}"'
    return {"usage": text, "unknown": text, "no_value": text}


@random.command("seed", errors=_no_args("seed"), returns="integer")
def seed():
    """Seed the random generators with a fresh non-deterministic seed (torch.seed) and return
    it, so that the run can be repeated later with manual_seed."""
    return torch.seed()


# (the page's own wording has a capital W)
@random.command("initial_seed", errors=_no_args("initial_seed", "Wrong"), returns="integer")
def initial_seed():
    """The seed the CPU generator was last seeded with (torch.initial_seed). The reference
    always answers 2147483647; here it is PyTorch's real seed: what manual_seed or seed set,
    or the default one PyTorch starts with."""
    return torch.initial_seed()


@random.command("get_rng_state", errors=_no_args("get_rng_state"), returns="tensor handle")
def get_rng_state():
    """A copy of the CPU generator's full state as a tensor (torch.get_rng_state: a uint8
    tensor, not the reference's 64 int64 values); set_rng_state restores it, and the same draws
    follow."""
    return torch.get_rng_state()


@random.command("set_rng_state",
                param("state_tensor", TENSOR, label="state_tensor",
                      invalid="Invalid state tensor name: {value}"),
                returns="ok")
def set_rng_state(state_tensor):
    """Restore the CPU generator's state from a tensor get_rng_state made (torch.set_rng_state).
    As on the reference, any other integer tensor seeds the generator with its first element
    instead (manual_seed)."""
    state = state_tensor
    if state.dtype == torch.uint8:
        torch.set_rng_state(state.detach().cpu())
    elif not state.is_floating_point() and not state.is_complex() and state.numel():
        torch.manual_seed(int(state.reshape(-1)[0]))
    else:
        raise CommandError("Invalid RNG state: expected a tensor from torch::get_rng_state "
                           f"(uint8) or an integer seed tensor, got {state.dtype} with "
                           f"{state.numel()} elements")
    return "ok"


# --- sampling ---------------------------------------------------------------------------------
BERNOULLI_ERRORS = {"missing": "Missing required parameter: {option}",
                    "no_value": "Named parameters require pairs: -param value"}


@random.command("bernoulli",
                tensor_input(label="input", invalid="Invalid input tensor name: {value}"),
                param("p", FLOAT, None, aliases=("probability",), label="probability",
                      check=lambda p: 0.0 <= p <= 1.0,
                      check_msg="Probability p must be in range [0.0, 1.0]"),
                param("generator", STRING, None),
                errors=BERNOULLI_ERRORS, returns="tensor handle")
def bernoulli(input, p, generator):
    """0/1 samples shaped like input: each element is 1 with the probability input holds there
    (torch.bernoulli(input)), or with probability p for every element when p is given
    (torch.bernoulli(input, p)). The result has input's dtype. `-generator` is accepted and
    ignored, as on the reference (reserved)."""
    return torch.bernoulli(input) if p is None else torch.bernoulli(input, p)


@random.command("multinomial", TENSOR_INPUT, param("num_samples", INT),
                param("replacement", BOOL, True),
                returns="tensor handle")
def multinomial(input, num_samples, replacement):
    """Indices drawn from the categorical distributions whose (unnormalised) weights are input's
    last dimension (torch.multinomial): num_samples per row. Note the page's default: with
    replacement (PyTorch's own default is without)."""
    return torch.multinomial(input, num_samples, replacement)


@random.command("normal", param("mean", FLOAT), param("std", FLOAT),
                param("size", SHAPE, (1,), aliases=("shape",)), *SAMPLER_TAIL,
                aliases=("Normal",), returns="tensor handle")
def normal(mean, std, size, dtype, device):
    """Samples of the normal distribution N(mean, std^2), torch.normal(mean, std, size); the
    size defaults to {1}."""
    return torch.normal(mean, std, size, dtype=dtype, device=device)


@random.command("uniform", SIZE, param("low", FLOAT), param("high", FLOAT), *SAMPLER_TAIL,
                returns="tensor handle")
def uniform(size, low, high, dtype, device):
    """Samples of the uniform distribution on [low, high): a new tensor filled by
    Tensor.uniform_(low, high). PyTorch refuses low > high (low = high gives that value)."""
    return torch.empty(size, dtype=dtype, device=device).uniform_(low, high)


@random.command("exponential", SIZE, param("rate", FLOAT), *SAMPLER_TAIL,
                returns="tensor handle")
def exponential(size, rate, dtype, device):
    """Samples of the exponential distribution with the given rate (mean 1/rate): a new tensor
    filled by Tensor.exponential_(rate). An empty size makes a 0-d tensor, as in PyTorch."""
    return torch.empty(size, dtype=dtype, device=device).exponential_(rate)


GAMMA_INVALID = ("Required parameters missing or invalid: size, alpha > 0, beta > 0 must be "
                 "provided")
GAMMA_P = dict(check=positive, check_msg=GAMMA_INVALID)


@random.command("gamma", SIZE, param("alpha", FLOAT, **GAMMA_P), param("beta", FLOAT, **GAMMA_P),
                *SAMPLER_TAIL, errors={"missing": GAMMA_INVALID}, returns="tensor handle")
def gamma(size, alpha, beta, dtype, device):
    """Samples of the gamma distribution with shape alpha and rate beta (mean alpha/beta):
    torch.distributions.Gamma(alpha, beta).sample(size)."""
    def scalar(x):
        return torch.tensor(x, dtype=dtype, device=device)
    return torch.distributions.Gamma(scalar(alpha), scalar(beta)).sample(size)


@random.command("poisson", SIZE, param("rate", FLOAT, aliases=("lambda",), label="lambda"),
                *SAMPLER_TAIL, aliases=("poissonDist",), returns="tensor handle")
def poisson(size, rate, dtype, device):
    """Counts drawn from the Poisson distribution with mean lambda (`-lambda`, also `-rate`):
    torch.poisson on a tensor of the given size filled with lambda. Float dtypes only, as in
    PyTorch."""
    return torch.poisson(torch.full(size, rate, dtype=dtype, device=device))


@random.command("randint_like", TENSOR_INPUT, param("high", INT), param("low", INT, 0),
                param("dtype", DTYPE, torch.int64), param("device", DEVICE, None),
                GRAD_P,
                forms=["tensor high ?low? ?dtype? ?device?"],
                errors={"missing": "Invalid arguments for {cmd}"}, returns="tensor handle")
def randint_like(input, high, low, dtype, device, requires_grad):
    """Random integers in [low, high) in a tensor shaped like input (torch.randint_like): int64
    unless -dtype says otherwise, on input's device unless -device says otherwise. As on the
    reference, low > high are swapped."""
    if low > high:
        low, high = high, low
    t = torch.randint_like(input, low, high, dtype=dtype, device=device or input.device)
    return _finish(t, requires_grad)
