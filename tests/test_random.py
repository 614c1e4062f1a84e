"""The random family (seeds, the generator's state, samplers) and the random creation commands
tensor_rand / tensor_randn: with the same seed, each draws exactly what the PyTorch call does."""

import pytest
import torch

# The tensors the scripts use, made without the generator: $p probabilities (a 4x3 matrix, $pt
# its non-contiguous transpose), $w category weights (1-D and rows of a matrix), $x an int32 tensor
# and $e an empty one.
P = torch.linspace(0, 1, 12).reshape(4, 3)
W = torch.tensor([0.1, 0.2, 0.3, 0.4])
W2 = torch.tensor([[1.0, 0.0, 2.0, 1.0], [0.5, 0.5, 0.0, 3.0]])
X = torch.arange(6, dtype=torch.int32).reshape(2, 3)
E = torch.zeros(0, 3)
F64, I32 = torch.float64, torch.int32


@pytest.fixture
def rt(tcl):
    for name, t in [("p", P), ("pt", P.t()), ("w", W), ("w2", W2), ("x", X), ("e", E)]:
        tcl(f"set {name} {tcl.interp.put(t)}")
    return tcl


SEEDED = [
    # bernoulli: per-element probabilities, or one p for all
    ("torch::bernoulli $p", lambda: torch.bernoulli(P)),
    ("torch::bernoulli $pt", lambda: torch.bernoulli(P.t())),
    ("torch::bernoulli $p 0.6", lambda: torch.bernoulli(P, 0.6)),
    ("torch::bernoulli -input $p -p 0.4", lambda: torch.bernoulli(P, 0.4)),
    ("torch::bernoulli -tensor $p -probability 0.8", lambda: torch.bernoulli(P, 0.8)),
    ("torch::bernoulli -input $e", lambda: torch.bernoulli(E)),
    ("torch::bernoulli $x 0.5", lambda: torch.bernoulli(X, 0.5)),
    # multinomial: with replacement unless told (the page's default)
    ("torch::multinomial $w 5", lambda: torch.multinomial(W, 5, True)),
    ("torch::multinomial $w 3 false", lambda: torch.multinomial(W, 3, False)),
    ("torch::multinomial -input $w -numSamples 4 -replacement false",
     lambda: torch.multinomial(W, 4, False)),
    ("torch::multinomial -input $w2 -num_samples 6", lambda: torch.multinomial(W2, 6, True)),
    # normal: size {1} unless given
    ("torch::normal 0.0 1.0", lambda: torch.normal(0.0, 1.0, (1,))),
    ("torch::normal 2 3 {2 3} float64", lambda: torch.normal(2.0, 3.0, (2, 3), dtype=F64)),
    ("torch::normal -mean 5.0 -std 2.0 -size {2 3}", lambda: torch.normal(5.0, 2.0, (2, 3))),
    ("torch::Normal -mean 0 -std 1 -shape {0 4}", lambda: torch.normal(0.0, 1.0, (0, 4))),
    # uniform on [low, high)
    ("torch::uniform {2 3} 0.0 1.0", lambda: torch.empty(2, 3).uniform_(0.0, 1.0)),
    ("torch::uniform {2 2} -5 5 float64", lambda: torch.empty(2, 2, dtype=F64).uniform_(-5, 5)),
    ("torch::uniform -size {3 3} -low -10.0 -high 10.0 -device cpu",
     lambda: torch.empty(3, 3).uniform_(-10, 10)),
    # exponential(rate); an empty size is a 0-d tensor
    ("torch::exponential {1000} 2.0", lambda: torch.empty(1000).exponential_(2.0)),
    ("torch::exponential -size {3 4} -rate 0.5 -dtype float64",
     lambda: torch.empty(3, 4, dtype=F64).exponential_(0.5)),
    ("torch::exponential {} 1.0", lambda: torch.empty(()).exponential_(1.0)),
    # gamma(alpha, beta) as torch.distributions samples it
    ("torch::gamma {5} 2.0 1.0",
     lambda: torch.distributions.Gamma(torch.tensor(2.0), torch.tensor(1.0)).sample((5,))),
    ("torch::gamma -size {3 4} -alpha 0.5 -beta 2.0 -dtype float64",
     lambda: torch.distributions.Gamma(torch.tensor(0.5, dtype=F64),
                                       torch.tensor(2.0, dtype=F64)).sample((3, 4))),
    # poisson(lambda)
    ("torch::poisson {2 3} 2.0", lambda: torch.poisson(torch.full((2, 3), 2.0))),
    ("torch::poisson -size {3 2} -lambda 5.0 -dtype float64",
     lambda: torch.poisson(torch.full((3, 2), 5.0, dtype=F64))),
    ("torch::poissonDist -shape {4} -rate 0.0", lambda: torch.poisson(torch.zeros(4))),
    # randint_like: int64 unless told; low > high are swapped
    ("torch::randint_like $x 10", lambda: torch.randint_like(X, 0, 10, dtype=torch.int64)),
    ("torch::randint_like $x 15 5", lambda: torch.randint_like(X, 5, 15, dtype=torch.int64)),
    ("torch::randint_like $x 100 0 int32", lambda: torch.randint_like(X, 0, 100, dtype=I32)),
    ("torch::randint_like $p 20 10 int64 cpu", lambda: torch.randint_like(P, 10, 20,
                                                                         dtype=torch.int64)),
    ("torch::randint_like -input $pt -high 50 -low 10",
     lambda: torch.randint_like(P.t(), 10, 50, dtype=torch.int64)),
    ("torch::randintLike -input $x -high 5 -low 10 -dtype float64",
     lambda: torch.randint_like(X, 5, 10, dtype=F64)),
    ("torch::randint_like $e 3", lambda: torch.randint_like(E, 0, 3, dtype=torch.int64)),
    # tensor_rand / tensor_randn: shape ?device? ?dtype? (either order)
    ("torch::tensor_rand {2 3}", lambda: torch.rand(2, 3)),
    ("torch::tensor_rand {2 3} cpu float64", lambda: torch.rand(2, 3, dtype=F64)),
    ("torch::tensorRand -shape {} -dtype float64", lambda: torch.rand((), dtype=F64)),
    ("torch::tensor_randn {3 4}", lambda: torch.randn(3, 4)),
    ("torch::tensorRandn {2 3} float64 cpu", lambda: torch.randn(2, 3, dtype=F64)),
    ("torch::tensor_randn {5 5} -dtype float64", lambda: torch.randn(5, 5, dtype=F64)),
    ("torch::tensor_randn -shape {0 2} -device cpu", lambda: torch.randn(0, 2)),
]


@pytest.mark.parametrize("script, draw", SEEDED, ids=[s for s, _ in SEEDED])
def test_seeded_draws_equal_pytorch(rt, script, draw):
    rt("torch::manual_seed 1234")
    got = rt.interp.tensor(rt(script))
    torch.manual_seed(1234)
    want = draw()
    assert got.dtype == want.dtype and got.shape == want.shape
    assert torch.equal(got, want)
    rt("torch::manual_seed 99")           # a different seed draws differently (where it can)
    again = rt.interp.tensor(rt(script))
    if want.numel() > 3 and want.unique().numel() > 1:
        assert not torch.equal(again, want)


def test_samples_have_the_distributions_moments(tcl):
    tcl("torch::manual_seed 0")
    mean = {"torch::exponential {20000} 4.0": 0.25, "torch::gamma {20000} 3.0 2.0": 1.5,
            "torch::poisson {20000} 3.0": 3.0, "torch::normal 7 1 {20000}": 7.0,
            "torch::uniform {20000} 2 4": 3.0}
    for script, m in mean.items():
        assert tcl.interp.tensor(tcl(script)).mean().item() == pytest.approx(m, rel=0.05)
    bits = tcl.interp.tensor(tcl("torch::bernoulli [torch::zeros {20000}] 0.3"))
    assert set(bits.unique().tolist()) == {0.0, 1.0}
    assert bits.mean().item() == pytest.approx(0.3, abs=0.02)


def test_requires_grad_options(rt):
    t = rt.interp.tensor(rt("torch::tensor_rand {2} -requiresGrad true"))
    assert t.requires_grad and t.is_leaf
    t = rt.interp.tensor(rt("torch::randint_like $x 5 -dtype float32 -requiresGrad true"))
    assert t.requires_grad
    assert "only Tensors of floating point" in rt.error(
        "torch::randint_like -input $x -high 10 -requiresGrad true").message


def test_rng_state_round_trip(tcl):
    tcl("torch::manual_seed 42")
    state = tcl("set s [torch::get_rng_state]")
    torch.manual_seed(42)
    assert torch.equal(tcl.interp.tensor(state), torch.get_rng_state())
    a = tcl("torch::tensor_to_list [torch::randn {5}]")
    b = tcl("torch::tensor_to_list [torch::rand {3}]")
    assert tcl("torch::set_rng_state $s") == "ok"
    assert tcl("torch::tensor_to_list [torch::randn {5}]") == a
    assert tcl("torch::setRngState -stateTensor $s") == "ok"
    assert tcl("torch::tensor_to_list [torch::randn {5}]") == a
    tcl("torch::set_rng_state -state_tensor $s; torch::randn {5}")
    assert tcl("torch::tensor_to_list [torch::rand {3}]") == b
    # each call is a new handle holding a copy: drawing does not change a saved state
    assert tcl("torch::getRngState") != state
    assert not torch.equal(tcl.interp.tensor(state), torch.get_rng_state())


def test_an_integer_state_tensor_seeds_like_the_reference(tcl):
    tcl("torch::set_rng_state [torch::tensor_create {42 7} int64]")
    got = tcl.interp.tensor(tcl("torch::rand {4}"))
    torch.manual_seed(42)
    assert torch.equal(got, torch.rand(4))
    assert "Invalid RNG state" in tcl.error("torch::set_rng_state [torch::ones {3}]").message


def test_seeds(tcl):
    assert tcl("torch::manual_seed 123; torch::initial_seed") == "123"
    assert tcl("torch::initialSeed") == str(torch.initial_seed())
    seed = int(tcl("torch::seed"))
    assert 0 <= seed < 1 << 64 and torch.initial_seed() == seed
    draw = tcl.interp.tensor(tcl("torch::rand {3}"))
    torch.manual_seed(seed)
    assert torch.equal(draw, torch.rand(3))
    assert int(tcl("torch::seed")) != seed


@pytest.mark.parametrize("script, message", [
    ("torch::bernoulli", "Missing required parameter: -input"),
    ("torch::bernoulli xyz", "Invalid input tensor name: xyz"),
    ("torch::bernoulli $p 1.5", "Probability p must be in range [0.0, 1.0]"),
    ("torch::bernoulli -input $p -p -0.1", "Probability p must be in range [0.0, 1.0]"),
    ("torch::bernoulli -input $p -foo 1", "Unknown parameter: -foo"),
    ("torch::bernoulli -input $p -p", "Named parameters require pairs: -param value"),
    ("torch::gamma -size {3} -alpha 2.0",
     "Required parameters missing or invalid: size, alpha > 0, beta > 0 must be provided"),
    ("torch::gamma {3} 0 1",
     "Required parameters missing or invalid: size, alpha > 0, beta > 0 must be provided"),
    ("torch::gamma {3} 1 -2",
     "Required parameters missing or invalid: size, alpha > 0, beta > 0 must be provided"),
    ("torch::randint_like -input $x", "Invalid arguments for torch::randint_like"),
    ("torch::randintLike -input $x", "Invalid arguments for torch::randintLike"),
    ("torch::randint_like invalid_tensor 10", "Invalid tensor name"),
    ("torch::exponential {10} -1.0", "exponential_ expects lambda > 0.0, but found lambda=-1..."),
    ("torch::exponential -size {10} -rate 1.0 -dtype invalid", "Invalid dtype: invalid"),
    ("torch::uniform {2} 3 1", "uniform_ expects to return a [from, to) range..."),
    ("torch::poisson {2} -1", "invalid Poisson rate, expected rate to be non-negative..."),
    ("torch::normal 0 -1", "normal expects std >= 0.0..."),
    ("torch::multinomial $w 0", "cannot sample n_sample <= 0 samples..."),
    ("torch::multinomial $w 5 false", "cannot sample n_sample > prob_dist.size(-1) samples..."),
    ("torch::multinomial -input $w", "Required parameter missing: num_samples"),
    ("torch::seed 1", 'wrong # args: should be "torch::seed"'),
    ("torch::get_rng_state extra_arg", 'wrong # args: should be "torch::get_rng_state"'),
    ("torch::getRngState -foo 1", 'wrong # args: should be "torch::get_rng_state"'),
    ("torch::initial_seed extra", 'Wrong # args: should be "torch::initial_seed"'),
    ("torch::set_rng_state", "Required parameter missing: state_tensor"),
    ("torch::set_rng_state nosuch", "Invalid state tensor name: nosuch"),
    ("torch::tensor_rand", "Required parameter missing: shape"),
    ("torch::tensor_rand {2 x}", "Invalid shape parameter"),
    ("torch::tensor_randn -foo {2 2}", "Unknown parameter: -foo"),
    ("torch::tensor_randn {2 2} cpu float32 false extra", "Invalid number of arguments"),
    ("torch::tensorRand -shape", "Missing value for parameter..."),
])
def test_errors(rt, script, message):
    """Exactly the page's texts; PyTorch's own and a dangling option's (marked ...) start so."""
    got = rt.error(script).message
    if message.endswith("..."):
        assert got.startswith(message[:-3])
    else:
        assert got == message
