"""Signal processing: FFTs, windows and spectrograms (the spec's signal_fft family).

The windows, FFTs, shifts and short-time transforms are single calls of torch.*_window,
torch.fft.* and torch.stft / torch.istft: values, dtype, shape, device and autograd are
PyTorch's. Transforms of real input give complex tensors (Complex64 from Float32).

torchaudio is not part of the environment, so the audio commands (melscale_fbanks,
spectrogram, mfcc, time_stretch, pitch_shift) follow torchaudio.functional's definitions step by
step with torch operations: the same formulas, defaults and order of operations, so results match
torchaudio's for the same arguments. hilbert is scipy.signal.hilbert's analytic signal, done with
torch.fft.
"""

import math
from dataclasses import replace

import torch

from ..core.errors import CommandError
from ..core.registry import UNKNOWN_LISTED, Family, param
from ..core.types import BOOL, DEVICE, DTYPE, FLOAT, INT, INTS, NUMBER, TENSOR, Choice
from .common import TENSOR_INPUT, positive, tensor_input

signal = Family("signal_fft")

# --- parameters several commands share -----------------------------------------------------------
POSITIVE_MSG = "Invalid {name} value: {value} (it must be positive)"

# the windows
WINDOW_LENGTH = param("window_length", INT, aliases=("length",), check=positive)
WINDOW_DTYPE = param("dtype", DTYPE, torch.float32, invalid="Unsupported dtype: {value}")
WINDOW_DEVICE = param("device", DEVICE, None)          # none: PyTorch's default device (cpu)
PERIODIC = param("periodic", BOOL, True)

# the FFTs
FFT_INPUT = tensor_input(invalid="Invalid tensor name")
N = param("n", INT, None, invalid="Invalid n parameter")      # -1 too: the input's own size
DIM = param("dim", INT, -1, invalid="Invalid dim parameter")
NORM = param("norm", Choice("backward", "forward", "ortho"), "backward")


def _pair(value):
    return len(value) == 2


PAIR_MSG = "Invalid {name}: {value} (it must be a list of 2 integers)"
SIZES = param("s", INTS, None, check=_pair, check_msg=PAIR_MSG)
DIMS = param("dims", INTS, (-2, -1), aliases=("dim",), check=_pair, check_msg=PAIR_MSG)

# the short-time transforms (n_fft is checked by the command: its pages word a missing n_fft
# differently from a missing input)
N_FFT = param("n_fft", INT, None, aliases=("nfft",), invalid="Invalid n_fft value",
              check=positive, check_msg=POSITIVE_MSG)
HOP_LENGTH = param("hop_length", INT, None, invalid="Invalid hop_length value", check=positive,
                   check_msg=POSITIVE_MSG)
WIN_LENGTH = param("win_length", INT, None, invalid="Invalid win_length value", check=positive,
                   check_msg=POSITIVE_MSG)
WINDOW = param("window", TENSOR, None, invalid="Invalid window tensor")
CENTER = param("center", BOOL, True)
NORMALIZED = param("normalized", BOOL, False)
ONESIDED = param("onesided", BOOL, None)         # none: PyTorch's (true for real input)
STFT_ERRORS = {"missing": "Required input and n_fft parameters missing"}


# --- windows -------------------------------------------------------------------------------------
def window(name, op, doc, errors, beta=False):
    """Declares `torch::name window_length ?dtype? ?device? ?periodic?` (kaiser: ?beta? after the
    length) as op(window_length, periodic, dtype=, device=)."""
    if beta:
        def body(window_length, beta, dtype, device, periodic):
            return op(window_length, periodic, beta, dtype=dtype, device=device)
        params = (WINDOW_LENGTH, param("beta", FLOAT, 12.0, invalid="Invalid beta value"),
                  WINDOW_DTYPE, WINDOW_DEVICE, PERIODIC)
    else:
        def body(window_length, dtype, device, periodic):
            return op(window_length, periodic, dtype=dtype, device=device)
        params = (WINDOW_LENGTH, WINDOW_DTYPE, WINDOW_DEVICE, PERIODIC)
    body.__doc__ = doc
    signal.command(name, *params, errors=errors, returns="tensor handle")(body)


_NOT_POSITIVE = "Window length must be positive"
_LISTED_WINDOW = ("Unknown parameter: {option}. Valid parameters are: -length, -window_length, "
                  "-dtype, -device, -periodic")
_PERIODIC_DOC = (" periodic true (the default) gives the window for spectral analysis (the "
                 "symmetric window of length + 1 without its last point); false the symmetric "
                 "window. Float32 on the cpu unless -dtype / -device say otherwise; PyTorch "
                 "refuses integer dtypes.")

_WINDOWS = [
    ("bartlett_window", torch.bartlett_window,
     "A triangular (Bartlett) window of the given length (torch.bartlett_window), rising from 0 "
     "to 1 and back.",
     {"missing": "Named parameters require pairs: -param value",
      "no_value": "Named parameters require pairs: -param value",
      "check": "Required parameters: window_length must be positive"}),
    ("blackman_window", torch.blackman_window,
     "A Blackman window of the given length (torch.blackman_window): three cosine terms, very "
     "low side lobes. (No reference page: the syntax is bartlett_window's.)",
     {"check": _NOT_POSITIVE}),
    ("hamming_window", torch.hamming_window,
     "A Hamming window of the given length (torch.hamming_window): 0.54 - 0.46 cos, never "
     "reaching zero at the ends.",
     {"missing": "Usage: torch::hamming_window window_length | "
                 "torch::hamming_window -length window_length [...]",
      "check": _NOT_POSITIVE, "unknown": _LISTED_WINDOW}),
    ("hann_window", torch.hann_window,
     "A Hann window of the given length (torch.hann_window): a raised cosine that is 0 at the "
     "start.",
     {"missing": "Usage: torch::hann_window window_length | "
                 "torch::hann_window -length window_length [...]",
      "check": _NOT_POSITIVE, "unknown": _LISTED_WINDOW}),
]
for _name, _op, _doc, _errors in _WINDOWS:
    window(_name, _op, _doc + _PERIODIC_DOC, _errors)
window("kaiser_window", torch.kaiser_window,
       "A Kaiser window of the given length and shape factor beta, 12 by default "
       "(torch.kaiser_window): larger beta, lower side lobes and a wider main lobe."
       + _PERIODIC_DOC,
       {"missing": "Usage: kaiser_window window_length ?beta?", "check": _NOT_POSITIVE},
       beta=True)


# --- FFTs ----------------------------------------------------------------------------------------
def _n(n):
    """The reference's -1 for "no n": the input's own size along dim."""
    return None if n == -1 else n


def fft_1d(name, op, doc, forms=None, errors=None):
    """Declares `torch::name tensor ...` as op(input, n, dim, norm) (a torch.fft function)."""
    def body(input, n, dim, norm):
        return op(input, n=_n(n), dim=dim, norm=norm)
    body.__doc__ = doc
    signal.command(name, FFT_INPUT, N, DIM, NORM, forms=forms, errors=errors,
                   returns="tensor handle")(body)


_N_DOC = (" n pads the input with zeros or trims it to n points along dim first (-1: as it "
          "is); norm is backward (the default), forward or ortho.")
# The pages of tensor_fft and tensor_ifft give `tensor ?dim?`; API.md gives `tensor ?n? ?dim?
# ?norm?`: two words are the page's, three or four API.md's.
_TWO_FORMS = ["tensor ?dim?", "tensor n dim ?norm?"]
fft_1d("tensor_fft", torch.fft.fft,
       "The discrete Fourier transform along one dimension, the last by default (torch.fft.fft): "
       "a complex tensor, real input included. Positionally `tensor ?dim?` (the page) or "
       "`tensor n dim ?norm?` (API.md)." + _N_DOC, forms=_TWO_FORMS)
fft_1d("tensor_ifft", torch.fft.ifft,
       "The inverse discrete Fourier transform along one dimension, the last by default "
       "(torch.fft.ifft), scaled by 1/n: tensor_ifft of tensor_fft gives the signal back (as a "
       "complex tensor). Positionally `tensor ?dim?` (the page) or `tensor n dim ?norm?` "
       "(API.md)." + _N_DOC, forms=_TWO_FORMS)
fft_1d("tensor_rfft", torch.fft.rfft,
       "The Fourier transform of a real signal along one dimension (torch.fft.rfft): only the "
       "n // 2 + 1 non-negative frequencies, as a complex tensor." + _N_DOC,
       errors={"missing": "Required input parameter missing"})
fft_1d("tensor_irfft", torch.fft.irfft,
       "The inverse of tensor_rfft (torch.fft.irfft): a one-sided spectrum back to a real "
       "signal, of 2 * (size - 1) points unless n says how many (give n to get an odd-length "
       "signal back)." + _N_DOC,
       errors={"missing": "Required tensor parameter missing"})


def fft_2d(name, op, doc):
    """Declares `torch::name tensor ?dims?` as op(input, s, dims, norm) (torch.fft.fft2/ifft2)."""
    def body(input, dims, s, norm):
        return op(input, s=s, dim=dims, norm=norm)
    body.__doc__ = doc
    signal.command(name, FFT_INPUT, DIMS, SIZES, NORM,
                   forms=["tensor ?dims?", "tensor s dims ?norm?"],
                   returns="tensor handle")(body)


_2D_DOC = (" dims (two dimensions, the last two by default) are the page's positional word; "
           "API.md's `tensor s dims ?norm?` gives the sizes too: s pads or trims the input to "
           "those sizes first; norm is backward (the default), forward or ortho.")
fft_2d("tensor_fft2d", torch.fft.fft2,
       "The two-dimensional discrete Fourier transform (torch.fft.fft2), a complex tensor."
       + _2D_DOC)
fft_2d("tensor_ifft2d", torch.fft.ifft2,
       "The two-dimensional inverse discrete Fourier transform (torch.fft.ifft2), scaled by "
       "1/(m n): it undoes tensor_fft2d." + _2D_DOC)


def shift(name, op, doc, errors, invalid, alias):
    def body(input, dim):
        return op(input, dim=dim)
    body.__doc__ = doc
    signal.command(name, tensor_input(invalid=invalid),
                   param("dim", INTS, None, aliases=("dimension",),
                         invalid="Invalid dimension: must be integer"),
                   aliases=(alias,), errors=errors, returns="tensor handle")(body)


_SHIFT_DOC = (" dim is one dimension or a list of them; by default every dimension is shifted. "
              "Shape and dtype are the input's.")
shift("fftshift", torch.fft.fftshift,
      "Rolls a spectrum so that the zero frequency comes to the middle (torch.fft.fftshift): "
      "for n points, by n // 2." + _SHIFT_DOC,
      {"missing": "Usage: torch::fftshift tensor ?dim? | "
                  "torch::fftshift -input tensor [-dim dimension]"},
      invalid="Error in fftshift: Invalid tensor handle", alias="fftShift")
shift("ifftshift", torch.fft.ifftshift,
      "Undoes fftshift (torch.fft.ifftshift): rolls the zero frequency back to the first "
      "place (by -(n // 2)), which differs from fftshift for odd sizes." + _SHIFT_DOC,
      {"missing": "Required parameters missing: input tensor required"},
      invalid="Invalid tensor name", alias="ifftShift")


@signal.command("hilbert", TENSOR_INPUT, param("n", INT, None, check=positive,
                                               check_msg=POSITIVE_MSG),
                param("dim", INT, -1), returns="tensor handle")
def hilbert(input, n, dim):
    """The analytic signal x + i H(x) of a real signal along dim, the last by default, where H is
    the Hilbert transform (as scipy.signal.hilbert): its FFT with the negative frequencies
    zeroed and the positive ones doubled, transformed back. A complex tensor: its imaginary part
    is the Hilbert transform, its absolute value the envelope, its angle the instantaneous
    phase. n pads or trims the signal first. (The page speaks of the transform; like scipy, the
    command returns the whole analytic signal, whose imaginary part that is.)"""
    if input.is_complex():
        raise CommandError("hilbert needs a real signal, not a complex tensor")
    spectrum = torch.fft.fft(input, n=n, dim=dim)
    size = spectrum.shape[dim]
    h = torch.zeros(size, dtype=spectrum.real.dtype, device=spectrum.device)
    h[0] = 1
    h[1:(size + 1) // 2] = 2
    if size % 2 == 0 and size:
        h[size // 2] = 1
    h = h.reshape([-1] + [1] * (spectrum.dim() - 1 - (dim % spectrum.dim())))
    return torch.fft.ifft(spectrum * h, dim=dim)


# --- short-time Fourier transforms ---------------------------------------------------------------
def _default_window(window, length, like):
    """The pages' default window: a periodic Hann window of `length`, in the input's real dtype
    and on its device."""
    if window is not None:
        return window
    dtype = like.real.dtype if like.is_complex() else like.dtype
    if not dtype.is_floating_point:
        dtype = torch.get_default_dtype()
    return torch.hann_window(length, dtype=dtype, device=like.device)


@signal.command("tensor_stft", FFT_INPUT, N_FFT, HOP_LENGTH, WIN_LENGTH, WINDOW, CENTER,
                param("pad_mode", Choice("reflect", "constant", "replicate", "circular"),
                      "reflect"),
                NORMALIZED, ONESIDED, param("return_complex", BOOL, True),
                forms=["tensor n_fft ?hop_length? ?win_length? ?window? ?center? ?pad_mode? "
                       "?normalized? ?onesided? ?return_complex?",
                       "tensor n_fft hop_length win_length window center normalized ?onesided? "
                       "?return_complex?"],
                errors=STFT_ERRORS, returns="tensor handle")
def tensor_stft(input, n_fft, hop_length, win_length, window, center, pad_mode, normalized,
                onesided, return_complex):
    """The short-time Fourier transform (torch.stft): the spectra of windowed frames of a 1-D
    signal or a batch of them, shape (..., n_fft // 2 + 1, frames), complex. hop_length is
    n_fft // 4 and win_length n_fft by default; the window is a periodic Hann window of
    win_length unless one is given (PyTorch's own default would be rectangular). center pads the
    signal by n_fft // 2 on both sides (pad_mode reflect). normalized (false by default, as
    API.md and PyTorch have it) scales by 1/sqrt(n_fft). return_complex false gives the real and
    imaginary parts in a last dimension of 2 (torch.view_as_real). API.md's positional order
    without pad_mode is read too."""
    if n_fft is None:
        raise CommandError("Invalid number of arguments", "USAGE")
    window = _default_window(window, win_length or n_fft, input)
    result = torch.stft(input, n_fft, hop_length=hop_length, win_length=win_length,
                        window=window, center=center, pad_mode=pad_mode, normalized=normalized,
                        onesided=onesided, return_complex=True)
    return result if return_complex else torch.view_as_real(result)


@signal.command("tensor_istft", FFT_INPUT, N_FFT, HOP_LENGTH, WIN_LENGTH, WINDOW, CENTER,
                NORMALIZED, ONESIDED,
                param("length", INT, None, invalid="Invalid length value", check=positive,
                      check_msg=POSITIVE_MSG),
                forms=["tensor n_fft ?hop_length? ?win_length? ?window? ?center? ?normalized? "
                       "?onesided? ?length?"],
                errors=STFT_ERRORS, returns="tensor handle")
def tensor_istft(input, n_fft, hop_length, win_length, window, center, normalized, onesided,
                 length):
    """The inverse short-time Fourier transform (torch.istft): a complex STFT back to the
    signal by overlap-add. Give it what tensor_stft was given (the same defaults: hop n_fft // 4,
    win_length n_fft, a periodic Hann window); length trims or pads the result to the signal's
    own length. normalized is false by default, as tensor_stft's (the page says true, which would
    not invert tensor_stft's default; API.md and PyTorch say false)."""
    if not input.is_complex():
        raise CommandError("istft requires a complex-valued input tensor")
    if n_fft is None:
        raise CommandError("Required input and n_fft parameters missing", "MISSING")
    window = _default_window(window, win_length or n_fft, input)
    return torch.istft(input, n_fft, hop_length=hop_length, win_length=win_length,
                       window=window, center=center, normalized=normalized, onesided=onesided,
                       length=length)


# --- audio (torchaudio.functional's definitions) -------------------------------------------------
@signal.command("spectrogram", TENSOR_INPUT, replace(N_FFT, default=400), HOP_LENGTH, WIN_LENGTH,
                WINDOW, param("power", FLOAT, 2.0, check=positive, check_msg=POSITIVE_MSG),
                NORMALIZED, CENTER, returns="tensor handle")
def spectrogram(input, n_fft, hop_length, win_length, window, power, normalized, center):
    """The power spectrogram |STFT|^power of a signal (..., time), shape (..., n_fft // 2 + 1,
    frames), as torchaudio.functional.spectrogram computes it: n_fft 400, win_length n_fft,
    hop_length win_length // 2 (200 by default), a periodic Hann window of win_length, centred
    frames with reflect padding, power 2 (1: magnitude). normalized true divides by the window's
    L2 norm (torchaudio's "window" normalization)."""
    win_length = win_length or n_fft
    hop_length = hop_length or win_length // 2
    window = _default_window(window, win_length, input)
    shape = input.shape
    spec = torch.stft(input.reshape(-1, shape[-1]), n_fft, hop_length=hop_length,
                      win_length=win_length, window=window, center=center, pad_mode="reflect",
                      normalized=False, onesided=True, return_complex=True)
    spec = spec.reshape(shape[:-1] + spec.shape[-2:])
    if normalized:
        spec = spec / window.pow(2.0).sum().sqrt()
    return spec.abs() if power == 1.0 else spec.abs().pow(power)


def _hz_to_mel(freq, mel_scale):
    if mel_scale == "htk":
        return 2595.0 * math.log10(1.0 + freq / 700.0)
    f_sp = 200.0 / 3                           # slaney: linear below 1 kHz, log above
    if freq >= 1000.0:
        return 1000.0 / f_sp + math.log(freq / 1000.0) / (math.log(6.4) / 27.0)
    return freq / f_sp


def _mel_to_hz(mels, mel_scale):
    if mel_scale == "htk":
        return 700.0 * (10.0 ** (mels / 2595.0) - 1.0)
    f_sp = 200.0 / 3
    min_log_mel = 1000.0 / f_sp
    freqs = f_sp * mels
    log_part = mels >= min_log_mel
    freqs[log_part] = 1000.0 * torch.exp(math.log(6.4) / 27.0 * (mels[log_part] - min_log_mel))
    return freqs


def _positive(name):
    return param(name, NUMBER if name == "sample_rate" else INT, check=positive,
                 check_msg=POSITIVE_MSG)


@signal.command("melscale_fbanks", _positive("n_freqs"), _positive("n_mels"),
                _positive("sample_rate"), param("f_min", FLOAT, 0.0), param("f_max", FLOAT, None),
                param("norm", Choice("none", "slaney"), "none"),
                param("mel_scale", Choice("htk", "slaney"), "htk"), returns="tensor handle")
def melscale_fbanks(n_freqs, n_mels, sample_rate, f_min, f_max, norm, mel_scale):
    """Triangular mel filters, shape (n_mels, n_freqs): row m weights the n_freqs STFT bins
    (0 to sample_rate / 2) into mel band m, so `tensor_matmul $fbanks $spec` turns a
    (n_freqs, frames) spectrogram into a mel spectrogram. The filters are
    torchaudio.functional.melscale_fbanks's (which returns their transpose, (n_freqs, n_mels)):
    n_mels + 2 points equally spaced in mel between f_min and f_max (sample_rate / 2 by default),
    on the htk scale or, with -melScale slaney, Slaney's; -norm slaney divides each filter by its
    band's width (constant energy per band). Float32."""
    f_max = float(sample_rate // 2) if f_max is None else f_max
    all_freqs = torch.linspace(0, sample_rate // 2, n_freqs)
    m_pts = torch.linspace(_hz_to_mel(f_min, mel_scale), _hz_to_mel(f_max, mel_scale),
                           n_mels + 2)
    f_pts = _mel_to_hz(m_pts, mel_scale)
    f_diff = f_pts[1:] - f_pts[:-1]
    slopes = f_pts.unsqueeze(0) - all_freqs.unsqueeze(1)
    down = (-1.0 * slopes[:, :-2]) / f_diff[:-1]
    up = slopes[:, 2:] / f_diff[1:]
    fb = torch.max(torch.zeros(1), torch.min(down, up))
    if norm == "slaney":
        fb *= (2.0 / (f_pts[2:n_mels + 2] - f_pts[:n_mels])).unsqueeze(0)
    return fb.T.contiguous()


def _dct_matrix(n_mfcc, n_mels, norm, dtype, device):
    """torchaudio.functional.create_dct: the DCT-II as an (n_mels, n_mfcc) matrix."""
    n = torch.arange(float(n_mels), dtype=dtype, device=device)
    k = torch.arange(float(n_mfcc), dtype=dtype, device=device).unsqueeze(1)
    dct = torch.cos(math.pi / float(n_mels) * (n + 0.5) * k)
    if norm == "none":
        dct *= 2.0
    else:
        dct[0] *= 1.0 / math.sqrt(2.0)
        dct *= math.sqrt(2.0 / float(n_mels))
    return dct.t()


def _amplitude_to_db(x, top_db=80.0):
    """torchaudio's AmplitudeToDB("power", top_db=80): 10 log10(max(x, 1e-10)), floored at the
    maximum (of each spectrogram of a batch) minus top_db."""
    x_db = 10.0 * torch.log10(torch.clamp(x, min=1e-10))
    if x_db.dim() < 2:
        return torch.max(x_db, x_db.amax() - top_db)
    shape = x_db.shape
    packed = shape[-3] if x_db.dim() > 2 else 1
    x_db = x_db.reshape(-1, packed, shape[-2], shape[-1])
    x_db = torch.max(x_db, (x_db.amax(dim=(-3, -2, -1)) - top_db).view(-1, 1, 1, 1))
    return x_db.reshape(shape)


@signal.command("mfcc", param("spectrogram", TENSOR, invalid="Invalid spectrogram tensor"),
                param("n_mfcc", INT, 13, invalid="Invalid n_mfcc value", check=positive,
                      check_msg=POSITIVE_MSG),
                param("dct_type", INT, 2, invalid="Invalid dct_type value"),
                param("norm", Choice("ortho", "none"), "ortho"),
                param("log_mels", BOOL, True), returns="tensor handle")
def mfcc(spectrogram, n_mfcc, dct_type, norm, log_mels):
    """Mel-frequency cepstral coefficients of a mel spectrogram (..., n_mels, frames): the
    DCT-II (orthonormal by default) of its logarithm along the mel dimension, first n_mfcc
    coefficients kept, shape (..., n_mfcc, frames); a 1-D input is one frame. As torchaudio's
    MFCC transform after its mel spectrogram: the log is log(x + 1e-6) (log_mels true, what the
    page describes), or with -logMels false torchaudio's default decibel scale (10 log10, floored
    80 dB below the maximum). Only dct_type 2 exists."""
    if dct_type != 2:
        raise CommandError(f"DCT type not supported: {dct_type}")
    n_mels = spectrogram.shape[-2] if spectrogram.dim() > 1 else spectrogram.shape[-1]
    if n_mfcc > n_mels:
        raise CommandError(f"Cannot select more MFCC coefficients ({n_mfcc}) than mel bins "
                           f"({n_mels})")
    logs = torch.log(spectrogram + 1e-6) if log_mels else _amplitude_to_db(spectrogram)
    dct = _dct_matrix(n_mfcc, n_mels, norm, logs.dtype, logs.device)
    if logs.dim() == 1:
        return logs @ dct
    return (logs.mT @ dct).mT


def _phase_vocoder(spec, rate, phase_advance):
    """torchaudio.functional.phase_vocoder: a complex STFT (..., freq, frames) sped up by rate,
    ceil(frames / rate) frames, magnitudes interpolated and phases advanced bin by bin."""
    if rate == 1.0:
        return spec
    shape = spec.shape
    spec = spec.reshape([-1] + list(shape[-2:]))
    real_dtype = spec.real.dtype
    time_steps = torch.arange(0, spec.size(-1), rate, device=spec.device, dtype=real_dtype)
    alphas = time_steps % 1.0
    phase_0 = spec[..., :1].angle()
    spec = torch.nn.functional.pad(spec, [0, 2])
    spec_0 = spec.index_select(-1, time_steps.long())
    spec_1 = spec.index_select(-1, (time_steps + 1).long())
    phase = spec_1.angle() - spec_0.angle() - phase_advance
    phase = phase - 2 * math.pi * torch.round(phase / (2 * math.pi))
    phase = phase + phase_advance
    phase = torch.cat([phase_0, phase[..., :-1]], dim=-1)
    phase_acc = torch.cumsum(phase, -1)
    mag = alphas * spec_1.abs() + (1 - alphas) * spec_0.abs()
    stretched = torch.polar(mag, phase_acc)
    return stretched.reshape(shape[:-2] + stretched.shape[1:])


@signal.command("time_stretch", tensor_input(label="stft_matrix", aliases=(),
                                             invalid="Invalid tensor"),
                param("rate", FLOAT, invalid="Invalid rate value", check=positive,
                      check_msg="rate must be positive"),
                errors={"missing": "Required parameters missing: input tensor required, rate "
                                   "must be positive", "unknown": UNKNOWN_LISTED},
                returns="tensor handle")
def time_stretch(input, rate):
    """Speeds a complex STFT (..., freq, frames) up by rate (slows it down below 1) without
    changing its frequencies, by torchaudio's phase vocoder (the TimeStretch transform):
    ceil(frames / rate) frames, magnitudes interpolated between neighbouring frames, each bin's
    phase advanced by its expected advance for a hop of freq - 1 samples (TimeStretch's default
    n_fft // 2, n_fft = 2 (freq - 1)). A real tensor counts as a complex one with zero imaginary
    part, and the result is complex. (The page's examples show other frame counts, from its
    placeholder interpolation; rate 1 returns the input.)"""
    if input.dim() < 2:
        raise CommandError("time_stretch needs an STFT of at least 2 dimensions (freq, frames)")
    if not input.is_complex():
        if not input.is_floating_point():
            input = input.to(torch.get_default_dtype())
        input = torch.complex(input, torch.zeros_like(input))
    n_freq = input.shape[-2]
    phase_advance = torch.linspace(0, math.pi * (n_freq - 1), n_freq, dtype=input.real.dtype,
                                   device=input.device)[..., None]
    return _phase_vocoder(input, rate, phase_advance)


def _resample(waveform, orig_freq, new_freq, lowpass_filter_width=6, rolloff=0.99):
    """torchaudio.functional.resample with its defaults (sinc interpolation, Hann window)."""
    if orig_freq == new_freq:
        return waveform
    gcd = math.gcd(orig_freq, new_freq)
    orig, new = orig_freq // gcd, new_freq // gcd
    base_freq = min(orig, new) * rolloff
    width = math.ceil(lowpass_filter_width * orig / base_freq)
    dtype, device = waveform.dtype, waveform.device
    idx = torch.arange(-width, width + orig, dtype=dtype, device=device)[None, None] / orig
    t = torch.arange(0, -new, -1, dtype=dtype, device=device)[:, None, None] / new + idx
    t *= base_freq
    t = t.clamp_(-lowpass_filter_width, lowpass_filter_width)
    window = torch.cos(t * math.pi / lowpass_filter_width / 2) ** 2
    t *= math.pi
    kernels = torch.where(t == 0, torch.tensor(1.0).to(t), t.sin() / t)
    kernels *= window * (base_freq / orig)
    shape = waveform.shape
    waveform = waveform.reshape(-1, shape[-1])
    num_wavs, length = waveform.shape
    waveform = torch.nn.functional.pad(waveform, (width, width + orig))
    resampled = torch.nn.functional.conv1d(waveform[:, None], kernels, stride=orig)
    resampled = resampled.transpose(1, 2).reshape(num_wavs, -1)
    resampled = resampled[..., :math.ceil(new * length / orig)]
    return resampled.reshape(shape[:-1] + resampled.shape[-1:])


def _whole(value):
    return value > 0 and float(value).is_integer()


@signal.command("pitch_shift", param("waveform", TENSOR, aliases=("tensor",)),
                param("sample_rate", NUMBER, check=_whole,
                      check_msg="Invalid sample_rate value: {value} (it must be a positive whole "
                                "number of Hz)"),
                param("n_steps", FLOAT), param("bins_per_octave", INT, 12, check=positive,
                                               check_msg=POSITIVE_MSG),
                replace(N_FFT, default=512), WIN_LENGTH, HOP_LENGTH, WINDOW,
                returns="tensor handle")
def pitch_shift(waveform, sample_rate, n_steps, bins_per_octave, n_fft, win_length, hop_length,
                window):
    """Shifts the pitch of a waveform (..., time) by n_steps semitones (steps of
    bins_per_octave per octave; negative: down) and keeps its length, as
    torchaudio.functional.pitch_shift: a phase-vocoder time stretch by 2^(n_steps / 12) on an
    STFT (n_fft 512, win_length n_fft, hop_length win_length // 4, periodic Hann window),
    then sinc resampling back to the original duration, trimmed or zero-padded to the input's
    length. As in torchaudio, the resampling works on the reduced ratio of the two rates:
    whole octaves are quick, while a fractional step can make that ratio, and so the work,
    large."""
    sample_rate = int(sample_rate)
    win_length = win_length or n_fft
    hop_length = hop_length or win_length // 4
    window = _default_window(window, win_length, waveform)
    shape = waveform.shape
    flat = waveform.reshape(-1, shape[-1])
    rate = 2.0 ** (-float(n_steps) / bins_per_octave)
    spec = torch.stft(flat, n_fft, hop_length=hop_length, win_length=win_length, window=window,
                      center=True, pad_mode="reflect", normalized=False, onesided=True,
                      return_complex=True)
    phase_advance = torch.linspace(0, math.pi * hop_length, spec.shape[-2],
                                   dtype=spec.real.dtype, device=spec.device)[..., None]
    stretched = torch.istft(_phase_vocoder(spec, rate, phase_advance), n_fft,
                            hop_length=hop_length, win_length=win_length, window=window,
                            length=int(round(shape[-1] / rate)))
    shifted = _resample(stretched, int(sample_rate / rate), sample_rate)
    if shifted.shape[-1] > shape[-1]:
        shifted = shifted[..., :shape[-1]]
    else:
        shifted = torch.nn.functional.pad(shifted, [0, shape[-1] - shifted.shape[-1]])
    return shifted.reshape(shape[:-1] + shifted.shape[-1:])
