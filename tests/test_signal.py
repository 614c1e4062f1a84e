"""The signal_fft commands: windows, FFTs and shifts against the PyTorch calls they make (seeded
random inputs, batches, negative dims, padding and trimming, norms, non-contiguous and complex
inputs, autograd), each command in its positional and named syntax and by its camelCase name;
the audio commands (written after torchaudio.functional, which is not installed) against the
definitions worked out independently with numpy; and the pages' error texts."""

import math

import numpy as np
import pytest
import torch
from conftest import assert_same, check_case, rnd

F64 = torch.float64
C64 = torch.complex64


def crnd(g, *shape):
    return torch.complex(rnd(g, *shape), rnd(g, *shape))


def hann(n, dtype=torch.float32):
    return torch.hann_window(n, dtype=dtype)


# (id, inputs (a function of a seeded generator), scripts that must all give `expected`,
#  expected (a function of the inputs), differentiable)
WINDOW_CASES = [
    ("bartlett_window", lambda g: {},
     ["torch::bartlett_window 7", "torch::bartlettWindow -window_length 7",
      "torch::bartlett_window -length 7 -periodic 1", "torch::bartlett_window 7 float32 cpu 1"],
     lambda: torch.bartlett_window(7), False),
    ("bartlett_window-symmetric", lambda g: {},
     ["torch::bartlett_window 8 float64 cpu 0",
      "torch::bartlettWindow -windowLength 8 -dtype float64 -device cpu -periodic 0"],
     lambda: torch.bartlett_window(8, periodic=False, dtype=F64), False),
    ("blackman_window", lambda g: {},
     ["torch::blackman_window 9", "torch::blackmanWindow -length 9"],
     lambda: torch.blackman_window(9), False),
    ("blackman_window-symmetric", lambda g: {},
     ["torch::blackman_window 6 double cpu false", "torch::blackman_window -length 6 "
      "-dtype float64 -periodic false"],
     lambda: torch.blackman_window(6, periodic=False, dtype=F64), False),
    ("hamming_window", lambda g: {},
     ["torch::hamming_window 10", "torch::hamming_window -length 10",
      "torch::hammingWindow -window_length 10 -periodic true"],
     lambda: torch.hamming_window(10), False),
    ("hamming_window-symmetric", lambda g: {},
     ["torch::hamming_window 5 float64 cpu 0",
      "torch::hamming_window -length 5 -dtype double -periodic false"],
     lambda: torch.hamming_window(5, periodic=False, dtype=F64), False),
    ("hann_window", lambda g: {},
     ["torch::hann_window 8", "torch::hannWindow -length 8", "torch::hann_window -windowLength 8"],
     lambda: torch.hann_window(8), False),
    ("hann_window-symmetric", lambda g: {},
     ["torch::hann_window 7 float32 cpu 0", "torch::hann_window -length 7 -periodic 0"],
     lambda: torch.hann_window(7, periodic=False), False),
    ("hann_window-one", lambda g: {}, ["torch::hann_window 1"],
     lambda: torch.hann_window(1), False),
    ("kaiser_window", lambda g: {},
     ["torch::kaiser_window 10", "torch::kaiserWindow -windowLength 10",
      "torch::kaiser_window 10 12.0"],
     lambda: torch.kaiser_window(10), False),
    ("kaiser_window-beta", lambda g: {},
     ["torch::kaiser_window 9 5.0 float64 cpu 0",
      "torch::kaiserWindow -windowLength 9 -beta 5 -dtype float64 -periodic 0"],
     lambda: torch.kaiser_window(9, False, 5.0, dtype=F64), False),
]

FFT_CASES = [
    ("tensor_fft", lambda g: {"x": rnd(g, 3, 8)},
     ["torch::tensor_fft $x", "torch::tensor_fft -tensor $x", "torch::tensorFft -input $x -dim -1",
      "torch::tensor_fft $x -1"], lambda x: torch.fft.fft(x), True),
    ("tensor_fft-dim0-noncontiguous", lambda g: {"x": rnd(g, 6, 4).t()},
     ["torch::tensor_fft $x 0", "torch::tensor_fft -tensor $x -dim 0",
      "torch::tensor_fft $x -1 -2"], lambda x: torch.fft.fft(x, dim=0), True),
    ("tensor_fft-pad-ortho", lambda g: {"x": rnd(g, 2, 5, dtype=F64)},
     ["torch::tensor_fft $x 8 -1 ortho", "torch::tensor_fft -input $x -n 8 -norm ortho"],
     lambda x: torch.fft.fft(x, n=8, norm="ortho"), True),
    ("tensor_fft-trim-forward", lambda g: {"x": crnd(g, 4, 6)},
     ["torch::tensor_fft $x 3 0 forward", "torch::tensorFft -input $x -n 3 -dim 0 "
      "-norm forward"], lambda x: torch.fft.fft(x, n=3, dim=0, norm="forward"), True),
    ("tensor_fft-int", lambda g: {"x": torch.arange(6)}, ["torch::tensor_fft $x"],
     lambda x: torch.fft.fft(x), False),
    ("tensor_ifft", lambda g: {"x": crnd(g, 2, 3, 4)},
     ["torch::tensor_ifft $x", "torch::tensor_ifft -tensor $x", "torch::tensorIfft $x -1"],
     lambda x: torch.fft.ifft(x), True),
    ("tensor_ifft-dim-n", lambda g: {"x": rnd(g, 5, 3, dtype=F64).t()},
     ["torch::tensor_ifft $x 7 -2 ortho", "torch::tensor_ifft -input $x -n 7 -dim -2 -norm ortho"],
     lambda x: torch.fft.ifft(x, n=7, dim=-2, norm="ortho"), True),
    ("tensor_rfft", lambda g: {"x": rnd(g, 3, 7)},
     ["torch::tensor_rfft $x", "torch::tensor_rfft -input $x", "torch::tensorRfft -tensor $x"],
     lambda x: torch.fft.rfft(x), True),
    ("tensor_rfft-n-dim", lambda g: {"x": rnd(g, 4, 3, dtype=F64).t()},
     ["torch::tensor_rfft $x 6 0", "torch::tensor_rfft -input $x -n 6 -dim 0",
      "torch::tensor_rfft $x 6 -2 backward"], lambda x: torch.fft.rfft(x, n=6, dim=0), True),
    ("tensor_rfft-trim-forward", lambda g: {"x": rnd(g, 9)},
     ["torch::tensor_rfft $x 4 -1 forward", "torch::tensor_rfft -tensor $x -n 4 -norm forward"],
     lambda x: torch.fft.rfft(x, n=4, norm="forward"), True),
    ("tensor_irfft", lambda g: {"x": crnd(g, 2, 5)},
     ["torch::tensor_irfft $x", "torch::tensor_irfft -tensor $x", "torch::tensorIrfft -input $x"],
     lambda x: torch.fft.irfft(x), True),
    ("tensor_irfft-n-dim", lambda g: {"x": crnd(g, 4, 3)},
     ["torch::tensor_irfft $x 7 0 ortho", "torch::tensor_irfft -tensor $x -n 7 -dim 0 -norm ortho"],
     lambda x: torch.fft.irfft(x, n=7, dim=0, norm="ortho"), True),
    ("tensor_irfft-real", lambda g: {"x": rnd(g, 4)}, ["torch::tensor_irfft $x"],
     lambda x: torch.fft.irfft(x), True),
    ("tensor_fft2d", lambda g: {"x": rnd(g, 2, 4, 6)},
     ["torch::tensor_fft2d $x", "torch::tensor_fft2d -tensor $x", "torch::tensorFft2d $x {-2 -1}"],
     lambda x: torch.fft.fft2(x), True),
    ("tensor_fft2d-dims-s", lambda g: {"x": rnd(g, 5, 4, 3, dtype=F64).permute(2, 1, 0)},
     ["torch::tensor_fft2d $x {6 3} {0 2} ortho",
      "torch::tensor_fft2d -tensor $x -dims {0 2} -s {6 3} -norm ortho",
      "torch::tensorFft2d -input $x -dim {0 -1} -s {6 3} -norm ortho"],
     lambda x: torch.fft.fft2(x, s=(6, 3), dim=(0, 2), norm="ortho"), True),
    ("tensor_ifft2d", lambda g: {"x": crnd(g, 3, 4)},
     ["torch::tensor_ifft2d $x", "torch::tensor_ifft2d -tensor $x -dims {0 1}",
      "torch::tensorIfft2d $x {0 1}"], lambda x: torch.fft.ifft2(x), True),
    ("tensor_ifft2d-s", lambda g: {"x": rnd(g, 2, 3, 5)},
     ["torch::tensor_ifft2d $x {2 2} {1 2} forward",
      "torch::tensorIfft2d -tensor $x -s {2 2} -dims {1 2} -norm forward"],
     lambda x: torch.fft.ifft2(x, s=(2, 2), dim=(1, 2), norm="forward"), True),
    ("fftshift", lambda g: {"x": rnd(g, 3, 5)},
     ["torch::fftshift $x", "torch::fftshift -input $x", "torch::fftShift -tensor $x"],
     lambda x: torch.fft.fftshift(x), True),
    ("fftshift-dim", lambda g: {"x": rnd(g, 4, 5).t()},
     ["torch::fftshift $x -1", "torch::fftshift -input $x -dim 1",
      "torch::fftShift -tensor $x -dimension -1"], lambda x: torch.fft.fftshift(x, dim=1), True),
    ("fftshift-int-dims", lambda g: {"x": torch.arange(24).reshape(2, 3, 4)},
     ["torch::fftshift $x {0 2}", "torch::fftshift -input $x -dim {0 2}"],
     lambda x: torch.fft.fftshift(x, dim=(0, 2)), False),
    ("ifftshift", lambda g: {"x": rnd(g, 3, 5)},
     ["torch::ifftshift $x", "torch::ifftshift -input $x", "torch::ifftShift -tensor $x"],
     lambda x: torch.fft.ifftshift(x), True),
    ("ifftshift-dim", lambda g: {"x": crnd(g, 5, 3)},
     ["torch::ifftshift $x 0", "torch::ifftshift -tensor $x -dimension 0",
      "torch::ifftShift -input $x -dim -2"], lambda x: torch.fft.ifftshift(x, dim=0), True),
    ("ifftshift-empty", lambda g: {"x": torch.zeros(0, 3)}, ["torch::ifftshift $x"],
     lambda x: torch.fft.ifftshift(x), False),
    ("tensor_stft", lambda g: {"x": rnd(g, 40)},
     ["torch::tensor_stft $x 16", "torch::tensor_stft -input $x -n_fft 16",
      "torch::tensorStft -tensor $x -nfft 16 -hopLength 4 -winLength 16"],
     lambda x: torch.stft(x, 16, window=hann(16), return_complex=True), True),
    ("tensor_stft-window-batch", lambda g: {"x": rnd(g, 2, 30, dtype=F64), "w": rnd(g, 8,
                                                                                    dtype=F64)},
     ["torch::tensor_stft $x 10 3 8 $w", "torch::tensor_stft -input $x -n_fft 10 -hop_length 3 "
      "-win_length 8 -window $w", "torch::tensor_stft $x 10 3 8 $w 1 reflect 0 1 1",
      "torch::tensor_stft $x 10 3 8 $w 1 0 1 1"],
     lambda x, w: torch.stft(x, 10, 3, 8, w, return_complex=True), True),
    ("tensor_stft-options", lambda g: {"x": rnd(g, 25)},
     ["torch::tensor_stft $x 8 2 8 [torch::hann_window 8] 0 constant 1 0",
      "torch::tensor_stft -input $x -n_fft 8 -hop_length 2 -center 0 -normalized 1 "
      "-onesided 0 -pad_mode constant"],
     lambda x: torch.stft(x, 8, 2, window=hann(8), center=False, normalized=True,
                          onesided=False, return_complex=True), True),
    ("tensor_stft-real-pairs", lambda g: {"x": rnd(g, 20)},
     ["torch::tensor_stft $x 8 2 8 [torch::hann_window 8] 1 reflect 0 1 0",
      "torch::tensor_stft -input $x -n_fft 8 -hop_length 2 -return_complex 0",
      "torch::tensor_stft -input $x -n_fft 8 -hop_length 2 -returnComplex false"],
     lambda x: torch.view_as_real(torch.stft(x, 8, 2, window=hann(8), return_complex=True)),
     True),
    ("tensor_istft",
     lambda g: {"S": torch.stft(rnd(g, 3, 32), 8, 2, window=hann(8), return_complex=True)},
     ["torch::tensor_istft $S 8 2", "torch::tensor_istft -input $S -n_fft 8 -hop_length 2",
      "torch::tensorIstft -tensor $S -nfft 8 -hopLength 2 -winLength 8 -center 1"],
     lambda S: torch.istft(S, 8, 2, window=hann(8)), True),
    ("tensor_istft-length-window",
     lambda g: {"S": torch.stft(rnd(g, 30, dtype=F64), 8, 4, window=torch.ones(8, dtype=F64),
                                return_complex=True), "w": torch.ones(8, dtype=F64)},
     ["torch::tensor_istft $S 8 4 8 $w 1 0 1 30",
      "torch::tensor_istft -input $S -n_fft 8 -hop_length 4 -window $w -length 30 "
      "-normalized 0 -onesided 1"],
     lambda S, w: torch.istft(S, 8, 4, window=w, length=30), True),
]


@pytest.mark.parametrize("case", WINDOW_CASES + FFT_CASES,
                         ids=[c[0] for c in WINDOW_CASES + FFT_CASES])
def test_matches_torch(shared, case):
    check_case(shared, case, same=lambda got, want: assert_same(got, want, tol=1e-5))


GRAD_CASES = [c for c in FFT_CASES if c[4]]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_autograd(shared, case):
    """The result carries a grad_fn, and its gradients are PyTorch's."""
    tcl = shared
    _, make, scripts, expected, _ = case
    inputs = make(torch.Generator().manual_seed(11))
    leaves = {k: v.detach().clone().requires_grad_() for k, v in inputs.items()}
    twins = {k: v.detach().clone().requires_grad_() for k, v in inputs.items()}
    tcl.load(leaves)
    got = tcl.interp.tensor(tcl(scripts[0]))
    assert got.grad_fn is not None
    got.abs().sum().backward()
    expected(**twins).abs().sum().backward()
    for k, leaf in leaves.items():
        torch.testing.assert_close(leaf.grad, twins[k].grad, rtol=1e-4, atol=1e-4)


def test_transforms_invert_each_other(shared):
    """What the pages promise: ifft undoes fft, irfft undoes rfft, istft undoes stft."""
    tcl = shared
    x = rnd(3, 2, 12, dtype=F64)
    tcl.load({"x": x})
    for script in ("torch::tensor_ifft [torch::tensor_fft $x]",
                   "torch::tensor_ifft2d [torch::tensor_fft2d $x]"):
        back = tcl.interp.tensor(tcl(script))
        torch.testing.assert_close(back.real, x)
        torch.testing.assert_close(back.imag, torch.zeros_like(x))
    for script in ("torch::tensor_irfft [torch::tensor_rfft $x]",
                   "torch::tensor_istft [torch::tensor_stft $x 8 2] 8 2 -length 12"):
        torch.testing.assert_close(tcl.interp.tensor(tcl(script)), x)
    assert tcl("torch::tensor_shape [torch::tensor_irfft [torch::tensor_rfft $x 7] 7]") == "2 7"


def test_windows_by_hand(shared):
    """Values worked out by hand, so the comparisons with torch cannot agree on nonsense."""
    tcl = shared
    got = tcl.interp.tensor(tcl("torch::bartlett_window 5 float64 cpu 0"))
    assert got.tolist() == [0.0, 0.5, 1.0, 0.5, 0.0]
    got = tcl.interp.tensor(tcl("torch::hann_window 4"))
    torch.testing.assert_close(got, torch.tensor([0.0, 0.5, 1.0, 0.5]))
    got = tcl.interp.tensor(tcl("torch::hamming_window -length 3 -periodic 0"))
    torch.testing.assert_close(got, torch.tensor([0.08, 1.0, 0.08]))
    got = tcl.interp.tensor(tcl("torch::kaiser_window 4 0.0"))      # beta 0: rectangular
    torch.testing.assert_close(got, torch.ones(4))
    assert tcl("torch::tensor_dtype [torch::blackman_window 4]") == "Float32"


def test_fft_by_hand(shared):
    tcl = shared
    tcl("set x [torch::tensor_create {1 0 -1 0}]")
    assert tcl.interp.tensor(tcl("torch::tensor_fft $x")).tolist() == [0j, 2 + 0j, 0j, 2 + 0j]
    assert tcl.interp.tensor(tcl("torch::tensor_rfft $x")).tolist() == [0j, 2 + 0j, 0j]
    assert tcl("torch::tensor_dtype [torch::tensor_fft $x]") == "Complex64"
    shifted = tcl.interp.tensor(tcl("torch::fftshift [torch::tensor_create {0 1 2 3 4}]"))
    assert shifted.tolist() == [3.0, 4.0, 0.0, 1.0, 2.0]


# --- hilbert: scipy.signal.hilbert's analytic signal, done here in numpy -----------------------
def analytic(x, axis=-1):
    spectrum = np.fft.fft(x, axis=axis)
    n = x.shape[axis]
    h = np.zeros(n)
    h[0] = 1
    if n % 2 == 0:
        h[n // 2] = 1
        h[1:n // 2] = 2
    else:
        h[1:(n + 1) // 2] = 2
    shape = [1] * x.ndim
    shape[axis] = n
    return np.fft.ifft(spectrum * h.reshape(shape), axis=axis)


@pytest.mark.parametrize("shape, script, axis", [
    ((8,), "torch::hilbert $x", -1),
    ((3, 9), "torch::hilbert -input $x", -1),
    ((6, 4), "torch::hilbert -tensor $x -dim 0", 0),
])
def test_hilbert(shared, shape, script, axis):
    x = rnd(5, *shape, dtype=F64)
    shared.load({"x": x})
    got = shared.interp.tensor(shared(script))
    assert got.dtype == torch.complex128 and got.shape == x.shape
    np.testing.assert_allclose(got.numpy(), analytic(x.numpy(), axis), atol=1e-12)


def test_hilbert_of_a_cosine_is_the_complex_exponential(shared):
    tcl = shared
    n = torch.arange(16, dtype=F64)
    tcl.load({"x": torch.cos(2 * math.pi * 3 * n / 16)})
    got = tcl.interp.tensor(tcl("torch::hilbert $x"))
    torch.testing.assert_close(got, torch.exp(2j * math.pi * 3 * n / 16))
    tcl.load({"x": torch.cos(2 * math.pi * 3 * n / 16).requires_grad_()})
    assert tcl.interp.tensor(tcl("torch::hilbert $x -n 20")).grad_fn is not None
    assert tcl("torch::tensor_shape [torch::hilbert $x -n 20]") == "20"


# --- the audio commands ------------------------------------------------------------------------
def tone(freq, rate, n, dtype=torch.float32):
    return torch.sin(2 * math.pi * freq * torch.arange(n, dtype=F64) / rate).to(dtype)


@pytest.mark.parametrize("script", [
    "torch::spectrogram $x 64 16", "torch::spectrogram -input $x -nFft 64 -hopLength 16",
    "torch::spectrogram -tensor $x -n_fft 64 -hop_length 16 -win_length 64 -power 2"])
def test_spectrogram(shared, script):
    """|STFT|^2 with a Hann window; a 1 kHz tone at 8 kHz peaks in bin 1000 / 8000 * 64 = 8."""
    x = tone(1000, 8000, 256)
    shared.load({"x": x})
    got = shared.interp.tensor(shared(script))
    assert_same(got, torch.stft(x, 64, 16, window=hann(64), return_complex=True).abs() ** 2,
                tol=1e-4)
    assert got.sum(1).argmax().item() == 8


def test_spectrogram_defaults_and_options(shared):
    tcl = shared
    x = rnd(4, 2, 1000, dtype=F64)
    tcl.load({"x": x})
    got = tcl.interp.tensor(tcl("torch::spectrogram $x"))     # n_fft 400, hop 200
    want = torch.stft(x, 400, 200, window=hann(400, F64), return_complex=True).abs() ** 2
    assert_same(got, want)
    assert got.shape == (2, 201, 6)
    w = torch.hamming_window(32, dtype=F64)
    tcl.load({"w": w})
    got = tcl.interp.tensor(tcl("torch::spectrogram $x 64 20 32 $w -power 1 -normalized 1 "
                                "-center 0"))
    want = torch.stft(x, 64, 20, 32, w, center=False, return_complex=True).abs() / w.norm()
    assert_same(got, want)
    tcl.load({"x": x[0].clone().requires_grad_()})
    assert tcl.interp.tensor(tcl("torch::spectrogram $x 32")).grad_fn is not None


def mel_filters(n_freqs, n_mels, rate, f_min, f_max, scale="htk", norm=False):
    """The triangular filters from their definition, one loop at a time (numpy)."""
    if scale == "htk":
        to_mel = lambda f: 2595 * np.log10(1 + f / 700)            # noqa: E731
        to_hz = lambda m: 700 * (10 ** (m / 2595) - 1)             # noqa: E731
    else:   # Slaney: linear below 1 kHz (200/3 Hz per mel), logarithmic above
        step = np.log(6.4) / 27

        def to_mel(f):
            return f * 3 / 200 if f < 1000 else 15 + np.log(f / 1000) / step

        def to_hz(m):
            return m * 200 / 3 if m < 15 else 1000 * np.exp(step * (m - 15))
    edges = [to_hz(m) for m in np.linspace(to_mel(f_min), to_mel(f_max), n_mels + 2)]
    bins = np.linspace(0, rate // 2, n_freqs)
    fb = np.zeros((n_mels, n_freqs))
    for m in range(n_mels):
        lo, mid, hi = edges[m], edges[m + 1], edges[m + 2]
        for k, f in enumerate(bins):
            fb[m, k] = max(0.0, min((f - lo) / (mid - lo), (hi - f) / (hi - mid)))
        if norm:
            fb[m] *= 2 / (hi - lo)
    return fb


@pytest.mark.parametrize("script, args", [
    ("torch::melscale_fbanks 33 6 8000", (33, 6, 8000, 0.0, 4000.0)),
    ("torch::melscaleFbanks -nFreqs 33 -nMels 6 -sampleRate 8000", (33, 6, 8000, 0.0, 4000.0)),
    ("torch::melscale_fbanks 65 10 16000 50.0 7000.0", (65, 10, 16000, 50.0, 7000.0)),
    ("torch::melscale_fbanks -n_freqs 65 -n_mels 10 -sample_rate 16000 -f_min 50 -f_max 7000",
     (65, 10, 16000, 50.0, 7000.0)),
])
def test_melscale_fbanks(shared, script, args):
    got = shared.interp.tensor(shared(script))
    assert got.dtype == torch.float32 and got.shape == (args[1], args[0])
    np.testing.assert_allclose(got.numpy(), mel_filters(*args), atol=2e-5)
    assert (got >= 0).all() and (got.max(1).values > 0).all()


def test_melscale_fbanks_slaney(shared):
    tcl = shared
    got = tcl.interp.tensor(tcl("torch::melscale_fbanks 129 12 16000 0 8000 -melScale slaney "
                                "-norm slaney"))
    np.testing.assert_allclose(got.numpy(), mel_filters(129, 12, 16000, 0.0, 8000.0, "slaney",
                                                        norm=True), rtol=1e-4, atol=1e-7)
    plain = tcl.interp.tensor(tcl("torch::melscale_fbanks 129 12 16000 -mel_scale slaney"))
    np.testing.assert_allclose(plain.numpy(), mel_filters(129, 12, 16000, 0.0, 8000.0, "slaney"),
                               atol=2e-5)


def dct_ortho(n_mfcc, n_mels):
    """The orthonormal DCT-II matrix from its definition."""
    c = np.zeros((n_mfcc, n_mels))
    for k in range(n_mfcc):
        scale = math.sqrt(1 / n_mels) if k == 0 else math.sqrt(2 / n_mels)
        for n in range(n_mels):
            c[k, n] = scale * math.cos(math.pi / n_mels * (n + 0.5) * k)
    return c


@pytest.mark.parametrize("script, n_mfcc", [
    ("torch::mfcc $m", 13), ("torch::mfcc $m 5", 5), ("torch::mfcc $m 5 2", 5),
    ("torch::mfcc -spectrogram $m -nMfcc 7", 7), ("torch::mfcc -spectrogram $m -n_mfcc 7 "
                                                   "-dct_type 2", 7)])
def test_mfcc(shared, script, n_mfcc):
    mel = torch.rand(2, 16, 5, generator=torch.Generator().manual_seed(2), dtype=F64) + 0.1
    shared.load({"m": mel})
    got = shared.interp.tensor(shared(script))
    want = np.einsum("kn,bnt->bkt", dct_ortho(n_mfcc, 16), np.log(mel.numpy() + 1e-6))
    assert got.dtype == F64 and got.shape == (2, n_mfcc, 5)
    np.testing.assert_allclose(got.numpy(), want, atol=1e-10)


def test_mfcc_other_forms(shared):
    tcl = shared
    mel = torch.rand(16, 5, generator=torch.Generator().manual_seed(3)) + 0.1
    tcl.load({"m": mel, "v": mel[:, 0].clone()})
    logs = np.log(mel.numpy().astype(np.float64) + 1e-6)
    got = tcl.interp.tensor(tcl("torch::mfcc $m 4 -norm none"))
    plain = np.array([[2 * math.cos(math.pi / 16 * (n + 0.5) * k) for n in range(16)]
                      for k in range(4)])     # without the normalization: 2 cos(...)
    np.testing.assert_allclose(got.numpy(), plain @ logs, rtol=1e-5, atol=1e-5)
    one = tcl.interp.tensor(tcl("torch::mfcc $v 4"))
    np.testing.assert_allclose(one.numpy(), dct_ortho(4, 16) @ logs[:, 0], rtol=1e-5, atol=1e-5)
    db = tcl.interp.tensor(tcl("torch::mfcc $m 4 -logMels 0"))
    decibels = 10 * np.log10(mel.numpy().astype(np.float64))
    decibels = np.maximum(decibels, decibels.max() - 80)
    np.testing.assert_allclose(db.numpy(), dct_ortho(4, 16) @ decibels, rtol=1e-4, atol=1e-4)
    tcl.load({"m": mel.clone().requires_grad_()})
    assert tcl.interp.tensor(tcl("torch::mfcc $m")).grad_fn is not None


def test_time_stretch_rate_one_is_identity(shared):
    tcl = shared
    spec = torch.stft(rnd(6, 64), 16, 4, window=hann(16), return_complex=True)
    tcl.load({"S": spec})
    assert_same(tcl.interp.tensor(tcl("torch::time_stretch $S 1.0")), spec)


@pytest.mark.parametrize("script, rate", [
    ("torch::time_stretch $S 2.0", 2.0), ("torch::time_stretch -input $S -rate 0.5", 0.5),
    ("torch::timeStretch -input $S -rate 1.5", 1.5), ("torch::time_stretch $S 0.75", 0.75)])
def test_time_stretch_phase_vocoder(shared, script, rate):
    """A steady tone in every bin (its phase advancing by the expected amount per frame) stays
    one: ceil(frames / rate) frames, the same magnitudes, the phase advancing frame by frame
    (up to the frames that interpolate towards the zero padding after the last one)."""
    n_freq, frames = 9, 12
    advance = torch.linspace(0, math.pi * (n_freq - 1), n_freq, dtype=F64)[:, None]
    magnitude = torch.linspace(1, 2, n_freq, dtype=F64)[:, None]
    spec = magnitude * torch.exp(1j * advance * torch.arange(frames, dtype=F64))
    shared.load({"S": spec})
    got = shared.interp.tensor(shared(script))
    out = math.ceil(frames / rate)
    want = magnitude * torch.exp(1j * advance * torch.arange(out, dtype=F64))
    assert got.dtype == torch.complex128 and got.shape == (n_freq, out)
    inside = math.ceil((frames - 1) / rate)
    torch.testing.assert_close(got[:, :inside], want[:, :inside], rtol=1e-9, atol=1e-9)


def test_time_stretch_real_and_batched(shared):
    tcl = shared
    tcl("set S [torch::tensor_create -data {{1.0 2.0 3.0 4.0} {5.0 6.0 7.0 8.0}}]")
    assert tcl("torch::tensor_shape [torch::time_stretch $S 0.5]") == "2 8"
    assert tcl("torch::tensor_dtype [torch::time_stretch $S 2]") == "Complex64"
    magnitudes = tcl.interp.tensor(tcl("torch::tensor_abs [torch::time_stretch $S 2]"))
    torch.testing.assert_close(magnitudes, torch.tensor([[1.0, 3.0], [5.0, 7.0]]))
    spec = torch.stft(rnd(7, 3, 50), 16, 8, window=hann(16), return_complex=True)
    tcl.load({"B": spec.requires_grad_()})
    got = tcl.interp.tensor(tcl("torch::time_stretch $B 1.3"))
    assert got.shape == (3, 9, math.ceil(spec.shape[-1] / 1.3)) and got.grad_fn is not None


def test_pitch_shift_moves_the_peak_an_octave(shared):
    tcl = shared
    x = tone(437.5, 8000, 4096)
    tcl.load({"x": x})

    def peak(y):
        return torch.fft.rfft(y * torch.hann_window(4096), 512).abs().argmax().item()

    up = tcl.interp.tensor(tcl("torch::pitch_shift $x 8000 12"))
    down = tcl.interp.tensor(tcl("torch::pitchShift -waveform $x -sampleRate 8000.0 -nSteps -12"))
    assert up.shape == down.shape == x.shape
    assert (peak(x), peak(up), peak(down)) == (28, 56, 14)


def test_pitch_shift_zero_steps_and_batches(shared):
    tcl = shared
    x = rnd(8, 2, 3, 800)
    tcl.load({"x": x})
    same = tcl.interp.tensor(tcl("torch::pitch_shift -tensor $x -sample_rate 16000 -n_steps 0"))
    torch.testing.assert_close(same, x, rtol=1e-4, atol=1e-4)
    got = tcl.interp.tensor(tcl("torch::pitch_shift $x 16000 -12 -nFft 256 -hopLength 32"))
    assert got.shape == x.shape and got.dtype == x.dtype
    tcl.load({"x": x[0, 0].clone().requires_grad_()})
    assert tcl.interp.tensor(tcl("torch::pitch_shift $x 16000 12")).grad_fn is not None


# --- the pages' error texts ----------------------------------------------------------------------
ERRORS = [
    ("torch::bartlett_window 0", "Required parameters: window_length must be positive"),
    ("torch::bartlett_window", "Named parameters require pairs: -param value"),
    ("torch::bartlett_window -length", "Named parameters require pairs: -param value"),
    ("torch::bartlett_window -foo 3", "Unknown parameter: -foo"),
    ("torch::bartlett_window 5 -dtype invalid_type", "Unsupported dtype: invalid_type"),
    ("torch::hamming_window", "Usage: torch::hamming_window window_length | "
     "torch::hamming_window -length window_length [...]"),
    ("torch::hamming_window 0", "Window length must be positive"),
    ("torch::hamming_window -unknown 256", "Unknown parameter: -unknown. Valid parameters are: "
     "-length, -window_length, -dtype, -device, -periodic"),
    ("torch::hann_window -length 256 -dtype invalid_type", "Unsupported dtype: invalid_type"),
    ("torch::hann_window -5", "Window length must be positive"),
    ("torch::kaiser_window", "Usage: kaiser_window window_length ?beta?"),
    ("torch::kaiser_window 0", "Window length must be positive"),
    ("torch::kaiser_window -unknown 256", "Unknown parameter: -unknown"),
    ("torch::blackman_window 0", "Window length must be positive"),
    ("torch::hann_window 4 int32", "hann_window expects floating point dtypes"),
    ("torch::fftshift", "Usage: torch::fftshift tensor ?dim? | "
     "torch::fftshift -input tensor [-dim dimension]"),
    ("torch::fftshift invalid_tensor", "Error in fftshift: Invalid tensor handle"),
    ("torch::fftshift $v 10", "Dimension out of range"),
    ("torch::ifftshift", "Required parameters missing: input tensor required"),
    ("torch::ifftshift $v invalid_dim", "Invalid dimension: must be integer"),
    ("torch::ifftshift -input $v -unknown_param value", "Unknown parameter: -unknown_param"),
    ("torch::tensor_fft nosuch", "Invalid tensor name"),
    ("torch::tensor_fft $v x", "Invalid dim parameter"),
    ("torch::tensor_fft -tensor $v -bad 1", "Unknown parameter: -bad"),
    ("torch::tensor_fft $v 4 0 sideways", 'bad value "sideways": must be backward, forward, '
     "ortho"),
    ("torch::tensor_rfft invalid_tensor", "Invalid tensor name"),
    ("torch::tensor_rfft", "Required input parameter missing"),
    ("torch::tensor_rfft $v invalid", "Invalid n parameter"),
    ("torch::tensor_rfft $v 4 invalid", "Invalid dim parameter"),
    ("torch::tensor_rfft -invalid $v", "Unknown parameter: -invalid"),
    ("torch::tensor_irfft nonexistent_tensor", "Invalid tensor name"),
    ("torch::tensor_irfft", "Required tensor parameter missing"),
    ("torch::tensor_irfft $v invalid_n", "Invalid n parameter"),
    ("torch::tensor_irfft $v 8 invalid_dim", "Invalid dim parameter"),
    ("torch::tensor_irfft [torch::tensor_create {1.0}]",
     "Invalid number of data points (0) specified"),
    ("torch::tensor_fft2d $m {0 1 2}", "Invalid dims: 0 1 2 (it must be a list of 2 integers)"),
    ("torch::tensor_ifft2d -tensor $m -dims 0", "Invalid dims: 0"),
    ("torch::tensor_stft invalid_tensor 4", "Invalid tensor name"),
    ("torch::tensor_stft", "Required input and n_fft parameters missing"),
    ("torch::tensor_stft $v", "Invalid number of arguments"),
    ("torch::tensor_stft $v invalid", "Invalid n_fft value"),
    ("torch::tensor_stft $v 4 invalid", "Invalid hop_length value"),
    ("torch::tensor_stft $v 4 2 invalid", "Invalid win_length value"),
    ("torch::tensor_stft -invalid $v", "Unknown parameter: -invalid"),
    ("torch::tensor_stft [torch::tensor_create {1 2 3 4} int32] 4",
     "expected a tensor of floating point or complex values"),
    ("torch::tensor_istft invalid_tensor 4", "Invalid tensor name"),
    ("torch::tensor_istft", "Required input and n_fft parameters missing"),
    ("torch::tensor_istft -input $v", "istft requires a complex-valued input tensor"),
    ("torch::time_stretch", "Required parameters missing: input tensor required, rate must be "
     "positive"),
    ("torch::time_stretch invalid_tensor 2.0", "Invalid tensor"),
    ("torch::time_stretch $m invalid", "Invalid rate value"),
    ("torch::time_stretch $m 0.0", "rate must be positive"),
    ("torch::time_stretch $m -1.0", "rate must be positive"),
    ("torch::time_stretch -input $m -invalid 2.0",
     "Unknown parameter: -invalid. Valid parameters are: -input, -rate"),
    ("torch::mfcc $m 20", "Cannot select more MFCC coefficients (20) than mel bins (2)"),
    ("torch::mfcc $m 1 3", "DCT type not supported: 3"),
    ("torch::mfcc $m x", "Invalid n_mfcc value"),
    ("torch::melscale_fbanks 0 10 16000", "Invalid n_freqs value: 0 (it must be positive)"),
    ("torch::melscale_fbanks 64 10 -1", "Invalid sample_rate value: -1 (it must be positive)"),
    ("torch::pitch_shift $v 44100.5 2", "Invalid sample_rate value: 44100.5"),
]


@pytest.mark.parametrize("script, message", ERRORS, ids=[s for s, _ in ERRORS])
def test_errors(shared, script, message):
    shared.load({"v": torch.arange(4.0), "m": torch.ones(2, 3)})
    assert message in shared.error(script).message
