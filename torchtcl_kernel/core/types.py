"""Parameter types: each turns one Tcl word into a Python value or raises CommandError.

A type also names itself for docs and inspection (`name`), and says what completion can offer for it
(`handle_kind` for handles, `choices` for enumerations).
"""

import re

import torch

from .errors import CommandError

_TCL_INT = re.compile(r"\s*[-+]?(0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|\d+)\s*$")


class Type:
    name = "string"
    handle_kind = None
    choices = ()
    # An empty word counts as "not given" for this type (a handle can never be "").
    empty_is_missing = False

    def convert(self, ctx, word):
        return word

    def __repr__(self):
        return self.name


class Str(Type):
    pass


def tcl_int(ctx, word):
    try:
        return int(word)
    except ValueError:
        pass
    if "_" not in word and _TCL_INT.match(word):
        try:
            return ctx.tk.getint(word)
        except Exception:
            pass
    raise CommandError(f'expected integer but got "{word}"')


def tcl_float(ctx, word):
    if "_" not in word:
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


def tcl_list(ctx, word):
    try:
        return ctx.tk.splitlist(word)
    except Exception:
        raise CommandError(f'expected a Tcl list but got "{word}"') from None


class Int(Type):
    name = "integer"

    def convert(self, ctx, word):
        return tcl_int(ctx, word)


class Float(Type):
    name = "double"

    def convert(self, ctx, word):
        return tcl_float(ctx, word)


class Number(Type):
    """An integer where the word is one (exact for int64), else a double."""

    name = "number"

    def convert(self, ctx, word):
        try:
            return int(word)
        except ValueError:
            return tcl_float(ctx, word)


class Bool(Type):
    name = "boolean"

    def convert(self, ctx, word):
        return tcl_bool(ctx, word)


class Choice(Type):
    def __init__(self, *choices):
        self.choices = choices
        self.name = "|".join(choices)

    def convert(self, ctx, word):
        if word in self.choices:
            return word
        raise CommandError(f'bad value "{word}": must be {", ".join(self.choices)}')


class IntList(Type):
    """A Tcl list of integers, e.g. a shape `{2 3}` (`{}` is the empty shape of a scalar)."""

    name = "list of integers"

    def convert(self, ctx, word):
        return tuple(tcl_int(ctx, w) for w in tcl_list(ctx, word))


class Shape(IntList):
    name = "shape"

    def convert(self, ctx, word):
        shape = super().convert(ctx, word)
        if any(d < 0 for d in shape):
            raise CommandError(f"Invalid shape: {word} (dimensions must be non-negative)")
        return shape


class Numbers(Type):
    """A Tcl list of numbers or booleans, nested to any depth (a row per sublist)."""

    name = "list"

    def convert(self, ctx, word):
        return self._walk(ctx, word, 0)

    def _walk(self, ctx, word, depth):
        if depth > 32:
            raise CommandError("Malformed data list: nested too deeply")
        if "_" not in word:
            for number in (int, float):
                try:
                    return number(word)
                except ValueError:
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
    return name.capitalize()


class DType(Type):
    name = "dtype"
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
    """A handle of one kind (tensor, module, optimizer, ...) looked up in the interpreter's store."""

    empty_is_missing = True

    def __init__(self, kind):
        self.handle_kind = kind
        self.name = f"{kind} handle"

    def convert(self, ctx, word):
        entry = ctx.store.entries.get(word)          # the hot path of every command
        if entry is not None and entry[0].name == self.handle_kind:
            return entry[1]
        return ctx.store.get(word, self.handle_kind)  # raises the right error


class TensorOrNumber(Type):
    """A tensor handle, or a plain number standing for a scalar (`tensor_mul $t 0.5`)."""

    name = "tensor handle or number"
    handle_kind = "tensor"
    empty_is_missing = True

    def convert(self, ctx, word):
        entry = ctx.store.entries.get(word)
        if entry is not None and entry[0].name == "tensor":
            return entry[1]
        try:
            return ctx.store.get(word, "tensor")
        except CommandError:
            try:
                return NUMBER.convert(ctx, word)
            except CommandError:
                pass
            raise


class HandleList(Type):
    """A Tcl list of handles of one kind (a model's parameters, a sequential's modules)."""

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

    def convert(self, ctx, word):
        ctx.store.kind_of(word)
        return word


STRING, INT, FLOAT, BOOL, NUMBER = Str(), Int(), Float(), Bool(), Number()
SHAPE, INTS, NUMBERS, DTYPE, DEVICE = Shape(), IntList(), Numbers(), DType(), Device()
TENSOR, MODULE, OPTIMIZER = Handle("tensor"), Handle("module"), Handle("optimizer")
TENSOR_OR_NUMBER = TensorOrNumber()
