"""Parameter types: each turns one Tcl word into a Python value or raises CommandError.

A type also names itself for docs and inspection (`name`), says what completion can offer for it
(`handle_kind` for handles, `choices` for enumerations), and gives a word it rejects
(`bad_example`, which tests/test_malformed_input.py feeds to every parameter of every command).
"""

from __future__ import annotations

import re
import tkinter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import torch

from .errors import NESTED, CommandError

if TYPE_CHECKING:
    from .interp import TorchTcl

_TCL_INT = re.compile(r"\s*[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|\d+)\s*$", re.ASCII)


class Type:
    name = "string"
    handle_kind: str | None = None
    choices: tuple[str, ...] = ()
    # A word convert() rejects with a CommandError, whatever the interpreter holds. Every subclass
    # declares its own (tests/test_registry.py checks); None only for free text, which takes any.
    bad_example: str | None = None
    # An empty word counts as "not given" for this type (a handle can never be "").
    empty_is_missing = False

    def convert(self, ctx: TorchTcl, word: str) -> Any:
        """The word as this type's value, or a CommandError that says what was wrong with it."""
        return word

    def fast(self, ctx: TorchTcl) -> Callable[[str], Any]:
        """The positional fast path's converter (see dispatch.py): one word in, the value out, or
        an exception of any kind to send the call through the general parser, which words the
        error. It must raise where that parser would not read the word as this value: an
        option-like word, or an empty word that means "not given"."""
        convert, empty_is_missing = self.convert, self.empty_is_missing

        def fast(word):
            if (word[:1] == "-" and (word[1:2].isalpha() or word[1:2] == "_")) or \
                    (empty_is_missing and not word):
                raise ValueError(word)    # an option (or -inf), or "": the general path
            return convert(ctx, word)
        return fast

    def fast_spec(self, ctx):
        """(kind, converter) for the C fast path: a handle of `kind` is the value as it is; else
        `converter` (see `fast`) reads the word. Either may be None."""
        return None, self.fast(ctx)

    def __repr__(self):
        return self.name


class Str(Type):
    bad_example = None          # free text: every word is one


class ListOfLists(Type):
    """A Tcl list whose elements are lists themselves (lr_explore -compare {{kind ?opt v?} ...}):
    the value is a list of word lists."""

    name = "list of lists"
    bad_example = "{unbalanced"

    def convert(self, ctx, word):
        return [list(tcl_list(ctx, item)) for item in tcl_list(ctx, word)]


class Script(Type):
    """A Tcl script run later (optimizer_step -closure): refused now if it is incomplete (an
    unbalanced brace, bracket or quote), rather than when it first runs."""

    name = "script"
    bad_example = "set x {"

    def convert(self, ctx, word):
        if not ctx.tk.call("info", "complete", word):
            raise CommandError("incomplete script (unbalanced braces, brackets or quotes): "
                               f'"{word}"')
        return word


def _plain_int(word):
    """A word like "42": read by Python; everything else (signs, spaces, 0x/0o/0b, and Tcl 8.6's
    octal 012) goes to Tcl itself."""
    return word.isdecimal() and word.isascii() and (word[0] != "0" or word == "0")


def _read_int(ctx, word):
    """The integer Tcl reads in the word, or None."""
    if _plain_int(word):
        return int(word)
    if "_" not in word and _TCL_INT.match(word):
        try:
            return ctx.tk.getint(word)
        except Exception:
            pass
    return None


# What PyTorch takes for a size, a dimension, an index or a count (a C++ int64_t). Tcl reads any
# integer exactly, so every integer parameter checks this range itself: PyTorch's own overflow
# error comes with a C++ stack trace and does not say which argument it was.
INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def tcl_int(ctx, word, lo=INT64_MIN, hi=INT64_MAX):
    value = _read_int(ctx, word)
    if value is None:
        raise CommandError(f'expected integer but got "{word}"')
    if not lo <= value <= hi:
        raise out_of_range(word, value, lo, hi)
    return value


def out_of_range(word, value, lo, hi):
    """Tcl's own words for an integer it cannot take. The registry adds the parameter and its
    word (registry.Command._convert); "RANGE" tells it to."""
    return CommandError("integer value too large to represent", "RANGE",
                        f"{value} is not in the range {lo} to {hi}")


def tcl_number(ctx, word):
    """An integer where Tcl reads one (exact for int64), else a double (also for an integer
    beyond int64: PyTorch has no wider integer, and Tcl would compute with it as a double)."""
    value = _read_int(ctx, word)
    if value is None:
        return tcl_float(ctx, word)
    return value if INT64_MIN <= value <= INT64_MAX else float(value)


def tcl_float(ctx, word):
    if "_" not in word and word.isascii():
        if _TCL_INT.match(word):          # an integer in one of Tcl's forms (0x10, octal 012)
            value = _read_int(ctx, word)
            if value is not None:
                return float(value)
        else:
            try:
                return float(word)
            except ValueError:
                pass
    raise CommandError(f'expected floating-point number but got "{word}"')


def tcl_bool(ctx, word):
    try:
        return bool(ctx.tk.getboolean(word))
    except Exception:
        raise CommandError(f'expected boolean value but got "{word}"') from None


def split_list(tk, text):
    """tk.splitlist(text) for any text Tcl gave. tkinter gives a character Tcl holds and Unicode
    text cannot (a lone surrogate) as its UTF-8 bytes, each escaped, and takes that back in its
    calls but not in splitlist: such a text is read as a list by Tcl's lrange instead."""
    try:
        return tk.splitlist(text)
    except UnicodeEncodeError:
        return tk.splitlist(tk.call("lrange", text, 0, "end"))


def tcl_list(ctx, word):
    try:
        return split_list(ctx.tk, word)
    except Exception:
        raise CommandError(f'expected a Tcl list but got "{word}"') from None


def script_callback(label, run, convert):
    """A script a parameter gave (a schedule's lambda, an optimizer's closure) as the function
    PyTorch calls later: run(*args) evaluates it, convert(result) reads its result. What goes
    wrong is said in Tcl's words and names the parameter; the script's own errors pass unchanged."""
    def call(*args):
        try:
            result = run(*args)
        except RecursionError:
            raise CommandError(f"{NESTED} in {label}", "LIMIT") from None
        except tkinter.TclError as e:
            # A deeper command hit the limit (errors.tcl_wording), or Python's limit struck as
            # tkinter entered a deeper command, which made it a Tcl error in Python's words.
            if str(e) == NESTED or str(e).startswith("maximum recursion depth exceeded"):
                raise CommandError(f"{NESTED} in {label}", "LIMIT") from None
            raise
        try:
            return convert(result)
        except CommandError as e:
            raise CommandError(f"bad result from {label}: {e.message}", e.code) from None
    return call


class Int(Type):
    """An integer within [lo, hi] (by default what PyTorch's int64 holds)."""

    name = "integer"
    bad_example = "1.5"

    def __init__(self, lo=INT64_MIN, hi=INT64_MAX):
        self.lo, self.hi = lo, hi

    def convert(self, ctx, word):
        return tcl_int(ctx, word, self.lo, self.hi)


class Float(Type):
    name = "double"
    bad_example = "1.5x"

    def convert(self, ctx, word):
        return tcl_float(ctx, word)


class Number(Type):
    """An integer where the word is one (exact for int64), else a double."""

    name = "number"
    bad_example = "one"

    def convert(self, ctx, word):
        return tcl_number(ctx, word)


class Bool(Type):
    name = "boolean"
    bad_example = "perhaps"

    def convert(self, ctx, word):
        return tcl_bool(ctx, word)


class Choice(Type):
    bad_example = "no_such_choice"

    def __init__(self, *choices):
        self.choices = choices
        self.name = "|".join(choices)

    def convert(self, ctx, word):
        if word in self.choices:
            return word
        raise CommandError(f'bad value "{word}": must be {", ".join(self.choices)}')

    def fast(self, ctx):
        # A choice, as it is, by a dict lookup in C (no Python frame: `autocast_enable cpu
        # bfloat16` runs at every AMP step); any other word raises KeyError, for the general
        # path. Not where a subclass reads words its own way, or a choice could be taken for
        # an option or for "not given".
        if type(self).convert is not Choice.convert or \
                any(not c or c.startswith("-") for c in self.choices):
            return super().fast(ctx)
        return {c: c for c in self.choices}.__getitem__


class IntList(Type):
    """A Tcl list of integers, e.g. a shape `{2 3}` (`{}` is the empty shape of a scalar)."""

    name = "list of integers"
    bad_example = "2 x"

    def convert(self, ctx, word):
        return tuple(tcl_int(ctx, w) for w in tcl_list(ctx, word))


class Shape(IntList):
    name = "shape"
    bad_example = "2 -3"        # integers, but a negative dimension

    def convert(self, ctx, word):
        shape = super().convert(ctx, word)
        if any(d < 0 for d in shape):
            raise CommandError(f"Invalid shape: {word} (dimensions must be non-negative)")
        return shape


class Numbers(Type):
    """A Tcl list of numbers or booleans, nested to any depth (a row per sublist)."""

    name = "list"
    bad_example = "{1 2} {3 x}"

    def convert(self, ctx, word):
        return self._walk(ctx, word, 0)

    def _walk(self, ctx, word, depth):
        if depth > 32:
            raise CommandError("Malformed data list: nested too deeply")
        try:
            return tcl_number(ctx, word)
        except CommandError:
            pass
        items = tcl_list(ctx, word)
        if len(items) == 1 and items[0] == word.strip():
            try:
                return bool(ctx.tk.getboolean(word))
            except Exception:
                self._fail(word)
        return [self._walk(ctx, w, depth + 1) for w in items]

    @staticmethod
    def _fail(word):
        raise CommandError(f'Malformed data list: expected a number but got "{word}"')


# dtype names a script may use -> torch dtypes (the spec's names, PyTorch's names and C++ aliases).
DTYPES = {
    "float32": torch.float32, "float": torch.float32, "torch.float32": torch.float32,
    "float64": torch.float64, "double": torch.float64, "torch.float64": torch.float64,
    "float16": torch.float16, "half": torch.float16, "torch.float16": torch.float16,
    "bfloat16": torch.bfloat16, "torch.bfloat16": torch.bfloat16,
    "int8": torch.int8, "int16": torch.int16, "short": torch.int16,
    "int32": torch.int32, "int": torch.int32, "torch.int32": torch.int32,
    "int64": torch.int64, "long": torch.int64, "torch.int64": torch.int64,
    "uint8": torch.uint8, "bool": torch.bool, "boolean": torch.bool,
    "complex64": torch.complex64, "complex128": torch.complex128,
}
for _name, _dt in list(DTYPES.items()):
    DTYPES.setdefault(_name.capitalize(), _dt)
DTYPES.update({"Float32": torch.float32, "Float64": torch.float64, "Float16": torch.float16,
               "BFloat16": torch.bfloat16, "Int32": torch.int32, "Int64": torch.int64})


def dtype_label(dtype):
    """The dtype as scripts see it: torch.float32 -> Float32, torch.bfloat16 -> BFloat16."""
    name = str(dtype).split(".")[-1]
    if name.startswith("bfloat"):
        return "B" + name[1:].capitalize()
    if name.startswith("uint"):
        return "UInt" + name[4:]
    if name.startswith("quint"):                # LibTorch's spelling: QUInt8, QInt8, QInt32
        return "QUInt" + name[5:]
    if name.startswith("qint"):
        return "QInt" + name[4:]
    return name.capitalize()


# Every dtype's label, for getters the C bridge serves (registry.Read)
DTYPE_LABELS = {d: dtype_label(d) for d in vars(torch).values() if isinstance(d, torch.dtype)}


class DType(Type):
    name = "dtype"
    bad_example = "float33"
    choices = ("float32", "float64", "float16", "bfloat16", "int8", "int16", "int32", "int64",
               "uint8", "bool", "complex64", "complex128")

    def convert(self, ctx, word):
        try:
            return DTYPES[word]
        except KeyError:
            raise CommandError(f"Invalid dtype: {word}") from None


class Device(Type):
    """cpu, cuda, cuda:N (gpu means cuda). CUDA requested where there is none is an error."""

    name = "device"
    choices = ("cpu", "cuda")
    bad_example = "tpu"

    def convert(self, ctx, word):
        w = word.strip().lower()
        if w == "gpu":
            w = "cuda"
        if w == "cpu":
            return torch.device("cpu")
        if w == "cuda" or re.fullmatch(r"cuda:\d+", w):
            if not torch.cuda.is_available():
                raise CommandError(f"Invalid device: {word} (CUDA is not available)")
            dev = torch.device(w)
            if dev.index is not None and dev.index >= torch.cuda.device_count():
                raise CommandError(f"Invalid device: {word} (no such CUDA device)")
            return dev
        raise CommandError(f"Invalid device: {word}")


class Handle(Type):
    """A handle of one kind (tensor, module, optimizer, ...), looked up in the interpreter's
    store."""

    empty_is_missing = True
    bad_example = "no_such_handle"

    def __init__(self, kind):
        self.handle_kind = kind
        self.name = f"{kind} handle"

    def convert(self, ctx, word):
        return ctx.store.get(word, self.handle_kind)

    def fast_spec(self, ctx):
        return self.handle_kind, None        # a pointer in the Tcl value: the hot path


class TensorOrNumber(Type):
    """A tensor handle, or a plain number standing for a scalar (`tensor_mul $t 0.5`)."""

    name = "tensor handle or number"
    handle_kind = "tensor"
    empty_is_missing = True
    bad_example = "no_such_handle"

    def convert(self, ctx, word):
        try:
            return ctx.store.get(word, "tensor")
        except CommandError:
            try:
                return NUMBER.convert(ctx, word)
            except CommandError:
                pass
            raise

    def fast_spec(self, ctx):
        return "tensor", NUMBER.fast(ctx)


class HandleList(Type):
    """A Tcl list of handles of one kind (a model's parameters, a sequential's modules)."""

    bad_example = "{no_such_handle}"

    def __init__(self, kind, allow_empty=True):
        self.handle_kind = kind
        self.allow_empty = allow_empty
        self.name = f"list of {kind} handles"

    def convert(self, ctx, word):
        words = tcl_list(ctx, word)
        if not words and not self.allow_empty:
            raise CommandError(f"Empty list of {self.handle_kind} handles")
        return [ctx.store.get(w, self.handle_kind) for w in words]


class AnyHandle(Type):
    """A handle of any kind, returned by name (for commands about handles themselves)."""

    name = "handle"
    handle_kind = "any"
    empty_is_missing = True
    bad_example = "no_such_handle"

    def convert(self, ctx, word):
        ctx.store.kind_of(word)
        return word


class Params(Type):
    """Tensors to optimize: a list of tensor handles and module handles (all their parameters)."""

    name = "list of tensor or module handles"
    handle_kind = "tensor"
    bad_example = "{no_such_handle}"
    empty_is_missing = True     # `{}` gives no parameters: "Required parameters missing"

    def convert(self, ctx, word):
        params = []
        for w in tcl_list(ctx, word):
            try:
                params.append(ctx.store.get(w, "tensor"))
            except CommandError:
                try:
                    params.extend(ctx.store.get(w, "module").parameters())
                except CommandError:
                    raise CommandError(f"Invalid parameter tensor: {w}", "NOT_FOUND") from None
        if not params:
            raise CommandError("Invalid parameter tensor: the list is empty")
        return params


class FloatPair(Type):
    """Two numbers as a Tcl list, e.g. betas {0.9 0.999}."""

    name = "list of 2 doubles"
    bad_example = "0.9"

    def convert(self, ctx, word):
        words = tcl_list(ctx, word)
        if len(words) != 2:
            raise CommandError(f'expected a list of two numbers but got "{word}"')
        return tuple(tcl_float(ctx, w) for w in words)


class LambdaOrNumber(Type):
    """A number, or a Tcl lambda `{epoch {expr {...}}}` run with `apply` on the epoch."""

    name = "number or Tcl lambda"
    bad_example = "not_a_lambda"

    def __init__(self, param):
        self.param = param                # errors of the lambda name it

    def convert(self, ctx, word):
        try:
            return float(word)
        except ValueError:
            pass
        parts = tcl_list(ctx, word)
        if len(parts) not in (2, 3) or len(tcl_list(ctx, parts[0])) != 1:
            raise CommandError(f'expected a number or a lambda {{epoch body}} but got "{word}"')
        return script_callback(f"the {self.param} lambda",
                               lambda epoch: ctx.tk.call("apply", word, epoch),
                               lambda result: tcl_float(ctx, str(result)))


class StateDict(Type):
    """A Tcl dict as torch.amp.GradScaler.state_dict() makes it."""

    name = "dict"
    bad_example = "scale"       # a key without its value
    KEYS = {"scale": float, "growth_factor": float, "backoff_factor": float,
            "growth_interval": int, "_growth_tracker": int}

    def convert(self, ctx, word):
        words = tcl_list(ctx, word)
        if len(words) % 2:
            raise CommandError("Invalid state dict: a dict needs key/value pairs")
        state = {}
        for key, value in zip(words[::2], words[1::2], strict=True):
            if key not in self.KEYS:
                raise CommandError(f"Invalid state dict: unknown key {key}; keys are "
                                   + ", ".join(self.KEYS))
            try:
                state[key] = self.KEYS[key](value)
            except ValueError:
                raise CommandError(f"Invalid state dict: bad value for {key}: {value}") from None
        return state


class IntOrInts(IntList):
    """An integer, or a Tcl list of integers (torch.tensor_split's indices_or_sections): a word
    that reads as one integer is that integer, any other list a tuple. An empty word is "not
    given"."""

    name = "integer or list of integers"
    bad_example = "2 x"
    empty_is_missing = True

    def convert(self, ctx, word):
        if _read_int(ctx, word) is not None:
            return tcl_int(ctx, word)
        return super().convert(ctx, word)


INT_OR_INTS = IntOrInts()


class NormOrder(Type):
    """A norm's order (p, ord): a number, inf or -inf, or fro (Frobenius) or nuc (nuclear)."""

    name = "norm order"
    choices = ("fro", "nuc", "inf", "-inf")
    bad_example = "frobenius"

    def convert(self, ctx, word):
        if word in ("fro", "nuc"):
            return word
        try:
            return tcl_number(ctx, word)
        except CommandError:
            raise CommandError("expected a norm order (a number, inf, -inf, fro or nuc) but got "
                               f'"{word}"') from None


NORM_ORDER = NormOrder()


class TensorOrModule(Handle):
    """A tensor handle, or a module handle (a weight given as it is, or the layer holding it:
    spectral_norm, weight_norm). A word that is neither is told as no tensor."""

    bad_example = "no_such_handle"

    def __init__(self):
        super().__init__("tensor")
        self.name = "tensor or module handle"

    def convert(self, ctx, word):
        handle = ctx.store.handles.get(word)
        if handle is not None and handle.kind == "module":
            return handle.obj
        return ctx.store.get(word, "tensor")

    def fast_spec(self, ctx):
        return "tensor", self.fast(ctx)


TENSOR_OR_MODULE = TensorOrModule()


class CodedChoice(Choice):
    """One of named choices, or the number a page's legacy positional syntax gives it (`codes`
    lists the names in number order: a loss's reduction `0`, `1`, `2` for none, mean, sum)."""

    bad_example = "avg"

    def __init__(self, *choices, codes=()):
        super().__init__(*choices)
        self.codes = {str(i): name for i, name in enumerate(codes)}

    def convert(self, ctx, word):
        return self.codes.get(word.strip()) or super().convert(ctx, word)


class Bias(Handle):
    """A convolution's bias (-bias): a tensor handle (the bias a convolution function adds), none,
    or a boolean (false: no bias; true: a layer learns one). The value is the tensor, or the
    boolean (none is false)."""

    bad_example = "no_such_handle"

    def __init__(self):
        super().__init__("tensor")
        self.name = "tensor handle, none or boolean"

    def convert(self, ctx, word):
        if word == "none":
            return False
        try:
            return ctx.store.get(word, "tensor")
        except CommandError:
            try:
                return bool(ctx.tk.getboolean(word))
            except Exception:
                pass
            raise


BIAS = Bias()


class ConvPadding(IntOrInts):
    """A convolution's padding: an integer (every side), a list of integers (one per spatial
    dimension), or one of PyTorch's padding modes, same or valid."""

    name = "integer, list of integers, same or valid"
    choices = ("same", "valid")
    bad_example = "2 x"

    def convert(self, ctx, word):
        if word in self.choices:
            return word
        return super().convert(ctx, word)


CONV_PADDING = ConvPadding()


class FloatList(Type):
    """A Tcl list of numbers read as doubles (scale factors `{2.0 1.5}`); one number is a list
    of one."""

    name = "list of doubles"
    bad_example = "1.5 x"

    def convert(self, ctx, word):
        return tuple(tcl_float(ctx, w) for w in tcl_list(ctx, word))


FLOATS = FloatList()


class OptionalTensor(Handle):
    """A tensor handle, or `none` for no tensor (a loss's -weight: `nll_loss $x $y none sum`)."""

    bad_example = "no_such_handle"

    def __init__(self):
        super().__init__("tensor")
        self.name = "tensor handle or none"

    def convert(self, ctx, word):
        return None if word == "none" else super().convert(ctx, word)


OPTIONAL_TENSOR = OptionalTensor()


class QDType(Choice):
    """A quantized dtype (quantize_per_tensor, quantize_per_channel): quint8, qint8 or qint32,
    in any letter case, with or without `torch.`. The integer dtype each keeps its values in
    (uint8, int8, int32) names it too, as some pages write it."""

    bad_example = "float32"
    QDTYPES = {"quint8": torch.quint8, "qint8": torch.qint8, "qint32": torch.qint32,
               "uint8": torch.quint8, "int8": torch.qint8, "int32": torch.qint32}

    def __init__(self):
        super().__init__("quint8", "qint8", "qint32")
        self.name = "quantized dtype"

    def convert(self, ctx, word):
        key = word.strip().lower()
        dtype = self.QDTYPES.get(key[len("torch."):] if key.startswith("torch.") else key)
        if dtype is None:
            raise CommandError(f"Invalid quantized dtype: {word} (must be quint8, qint8 or "
                               "qint32)")
        return dtype


QDTYPE = QDType()


class DeviceName(Device):
    """A device word read as Device reads it (cpu, cuda, cuda:N; gpu means cuda), whether or not
    this machine has CUDA: for the commands that answer "cuda_not_available" on a machine
    without it (synchronize, empty_cache, memory_stats) instead of failing. Where CUDA is
    present, a device index it does not have is still refused."""

    bad_example = "tpu"

    def convert(self, ctx, word):
        w = word.strip().lower()
        w = "cuda" + w[3:] if w.startswith("gpu") else w
        if w != "cpu" and not re.fullmatch(r"cuda(:\d+)?", w):
            raise CommandError(f"Invalid device: {word}")
        dev = torch.device(w)
        if dev.type == "cuda" and dev.index is not None and torch.cuda.is_available() \
                and dev.index >= torch.cuda.device_count():
            raise CommandError(f"Invalid device: {word} (no such CUDA device)")
        return dev


DEVICE_NAME = DeviceName()

class Function(Type):
    """A function PyTorch calls (torch::grad, jacobian, vmap, ...): a Tcl command name, a lambda
    {args body ?namespace?} as `apply` takes it, or a module handle (its forward)."""

    name = "command name, lambda or module handle"
    bad_example = "no_such_command {x} {return $x} ns extra"
    empty_is_missing = True

    def convert(self, ctx, word):
        handle = ctx.store.handles.get(word)
        if handle is not None:
            if handle.kind == "module":
                return handle.obj
            from .handles import KINDS  # handles imports this module
            raise CommandError(f'Invalid function: "{word}" is {KINDS[handle.kind].title} '
                               "handle, not a command, a lambda {args body} or a module handle")
        from .callbacks import TclFunction
        if str(ctx.tk.call("namespace", "which", "-command", word)):
            return TclFunction(ctx, word, False)
        try:
            parts = split_list(ctx.tk, word)
            if len(parts) in (2, 3):
                split_list(ctx.tk, parts[0])
                return TclFunction(ctx, word, True)
        except tkinter.TclError:
            pass
        raise CommandError(f'Invalid function: "{word}" is not a command, a lambda '
                           "{args body} or a module handle")


class TensorsOrFunction(Function):
    """torch::grad's first word: tensor handles (outputs of a graph already built, as a list),
    or a function (see Function)."""

    name = "tensor handles or function"
    bad_example = "no_such_command {x} {return $x} ns extra"

    def convert(self, ctx, word):
        try:
            return HandleList("tensor", allow_empty=False).convert(ctx, word)
        except CommandError:
            pass
        try:
            return super().convert(ctx, word)
        except CommandError:
            raise CommandError(f'Invalid outputs: "{word}" is neither tensor handles nor a '
                               "function (a command, a lambda {args body} or a module "
                               "handle)") from None


class TensorsOrDict(Type):
    """Tensors by position (a handle or a list of them), or by name: a dict name -> tensor handle
    (torch::functional_call's parameters for a module). `{}` is the empty dict."""

    name = "tensor handles or dict of name -> tensor handle"
    handle_kind = "tensor"
    bad_example = "{no_such_handle}"

    def convert(self, ctx, word):
        words = tcl_list(ctx, word)
        handles = ctx.store.handles

        def tensor(w):
            h = handles.get(w)
            return h is not None and h.kind == "tensor"
        if words and all(tensor(w) for w in words):
            return [handles[w].obj for w in words]
        if len(words) % 2 == 0 and all(tensor(w) for w in words[1::2]):
            return {k: handles[v].obj for k, v in zip(words[::2], words[1::2], strict=True)}
        raise CommandError("Invalid parameters: expected tensor handles or a dict of name -> "
                           f'tensor handle but got "{word}"', "NOT_FOUND")


FUNCTION, TENSORS_OR_FUNCTION, TENSORS_OR_DICT = Function(), TensorsOrFunction(), TensorsOrDict()


STRING, INT, FLOAT, BOOL, NUMBER = Str(), Int(), Float(), Bool(), Number()
SHAPE, INTS, NUMBERS, DTYPE, DEVICE = Shape(), IntList(), Numbers(), DType(), Device()
TENSOR, MODULE, OPTIMIZER = Handle("tensor"), Handle("module"), Handle("optimizer")
TENSOR_OR_NUMBER = TensorOrNumber()
PARAMS, FLOAT_PAIR, STATE_DICT = Params(), FloatPair(), StateDict()
