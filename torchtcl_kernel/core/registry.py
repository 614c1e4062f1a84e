"""The one command registry and the one argument parser.

A command is declared once: a Python function plus its parameters (name, type, default, aliases,
check). Everything else derives from that declaration:

* the command names: `torch::snake_name` and its camelCase twin (plus any extra spec aliases);
* the option names: `-snake_name`, `-camelName` and each alias in both spellings;
* the positional syntax: the parameters in order with an optional tail, or the spec's own syntax
  forms (`"n ?m? ?dtype?"`) when a page has several;
* conversion and validation through the parameter types;
* the standard errors, whose texts are templates chosen per family and overridable per command;
* the metadata completion, inspection and docs read (`Command.forms`, `Command.options`, ...).

Parsing rule, the same for every command: leading words fill positional slots until a word that
names one of the command's options; from there on words come in `-option value` pairs. A word that
looks like an option (`-name`) but is not one is an unknown parameter, whereas a negative number is
always a value.
"""

from __future__ import annotations

import inspect
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import CommandError
from .types import STRING, Handle, Type, tcl_list

if TYPE_CHECKING:
    from .interp import TorchTcl

REQUIRED = object()
# lookups_last's deferred work: {"lookups": {name: ...}, "checks": {name: ...}}
Later = dict[str, dict[str, Any]]
_OPTION_LIKE = re.compile(r"-[A-Za-z_][A-Za-z0-9_]*\Z")


def camel(name):
    head, *rest = name.split("_")
    return head + "".join(w[:1].upper() + w[1:] for w in rest)


def snake(name):
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def _looks_like_option(word):
    if not _OPTION_LIKE.match(word):
        return False
    try:
        float(word)          # -inf, -nan are numbers
        return False
    except ValueError:
        return True


@dataclass
class Param:
    name: str
    type: Type = STRING
    default: Any = REQUIRED
    aliases: tuple[str, ...] = ()
    label: str = ""            # its word in syntax forms ("tensor" for -input, say); "": name
    check: Callable[[Any], bool] | None = None     # predicate on the converted value
    check_msg: str | None = None   # when check fails; None: the command's "check" error text
    invalid: str | None = None     # message when the word does not convert ({value}, {error})
    doc: str = ""
    variadic: bool = False     # positionally, takes every remaining word (as a list)
    # May also come last, after the named options: `torch::launch -nproc 2 {script}`, as Tcl's
    # own commands take a body after their options.
    trailing: bool = False

    def __post_init__(self) -> None:
        self.label = self.label or self.name

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def option(self) -> str:
        return "-" + camel(self.name)

    def option_names(self) -> list[str]:
        names: list[str] = []
        for n in (self.name, *self.aliases):
            for spelled in (n, camel(n), snake(n)):
                if "-" + spelled not in names:
                    names.append("-" + spelled)
        return names


def arg_names(func: Callable[..., Any]) -> list[str]:
    """A function's parameter names, in order. A plain function's code object says it at once;
    inspect.signature costs ~25 us each, and it runs for every command at import."""
    code = getattr(func, "__code__", None)
    if code is not None and not hasattr(func, "__wrapped__") and not hasattr(func, "__signature__"):
        names, pos, kw = code.co_varnames, code.co_argcount, code.co_kwonlyargcount
        star = names[pos + kw:pos + kw + 1] if code.co_flags & 0x04 else ()     # *args
        rest = pos + kw + len(star)
        stars = names[rest:rest + 1] if code.co_flags & 0x08 else ()         # **options
        return [*names[:pos], *star, *names[pos:pos + kw], *stars]
    return list(inspect.signature(func).parameters)


def param(name: str, type: Type = STRING, default: Any = REQUIRED, **kw: Any) -> Param:
    """A parameter declaration: `param("dim", INT, None, aliases=("axis",))`."""
    return Param(name, type, default, **kw)


@dataclass
class Form:
    """One positional syntax: its text as docs show it and the parameters it fills, in order."""

    text: str
    params: list[Param]
    n_required: int
    variadic: bool = False      # the last parameter takes all remaining words (`?handle ...?`)


# Error texts: the spec's wordings differ between command families; a family picks its defaults
# and a command may override any of them. Fields: {cmd} {usage} {option} {name} {label} {camel}
# {value} {required} (required options joined by " and "), {required_names}, {valid} (option
# list). An optional "missing_positional" text replaces "missing" when only positional words came.
DEFAULT_ERRORS = {
    "prefix": "",
    "usage": "Usage: {usage}",
    "unknown": "Unknown parameter: {option}",
    "no_value": "Missing value for parameter {option}",
    "missing": "Required parameter missing: {name}",
    "check": "Invalid value for {option}: {value}",
}
# Many pages answer an unknown option with the options the command takes.
UNKNOWN_LISTED = "Unknown parameter: {option}. Valid parameters are: {valid}"

# A dangling option is named in the error ("Missing value for parameter -dtype"), except where
# the reference's page (or errata.md) shows its text without the option: scripts may compare it.
BARE_NO_VALUE = "Missing value for parameter"
BARE_NO_VALUE_COMMANDS = frozenset({
    "arange", "autocast_disable", "autocast_enable", "autocast_is_enabled", "autocast_set_dtype",
    "eye", "full", "layer_forward", "linspace", "lr_scheduler_exponential",
    "lr_scheduler_step_advanced", "rand", "randn", "tensor_item", "tensor_mul", "tensor_numel",
    "tensor_print", "tensor_relu", "tensor_shape", "tensor_tanh",
    "optimizer_rprop", "optimizer_sparse_adam", "optimizer_adafactor",   # errata.md
    # the tensor language (issue 17)
    "acosh", "atan", "atanh", "cholesky_solve", "cummin", "deg2rad", "diagflat", "empty_like",
    "exp10", "exp2", "frac", "log2", "logspace", "pow", "sinh", "tan", "tensor_advanced_index",
    "tensor_rand", "tensor_randn", "tensor_cholesky", "tensor_clamp", "tensor_contiguous",
    "tensor_index_select", "tensor_is_contiguous", "tensor_max", "tensor_qr", "tensor_repeat",
    "tensor_slice", "tensor_split", "tensor_sqrt", "tensor_std", "tensor_svd", "tensor_unique",
    "trace",
    # the model families (issue 18)
    "channel_shuffle", "circular_pad1d", "layer_norm", "maxpool2d", "reflection_pad3d",
    "softsign", "threshold", "transformer_decoder", "transformer_decoder_layer", "weight_norm",
    "zero_pad3d",
    # around the model (issue 19) and distributed (issue 20)
    "cuda_device_info", "cuda_memory_info", "dequantize", "distributed_gather",
    "distributed_send", "distributed_test", "distributed_wait", "empty_cache", "layer_cpu",
    "layer_cuda", "layer_device", "layer_to", "sparse_reshape", "sparse_tensor_create",
    "synchronize", "tensor_irfft", "tensor_rfft", "tensor_stft", "time_stretch",
})


_STEP = re.compile(r"\.([A-Za-z_]\w*)(\(\))?|\[(-?\d+)\]|\['([^']*)'\]")


@dataclass(frozen=True)
class Read:
    """A plain getter the C bridge serves without running the command's Python code (the cheap
    getters cost a fraction of a microsecond, about what entering a Python function does).

    `path` is a Python expression on the command's one argument made of `.attr`, `.method()`,
    `[n]` and `['key']` steps (".param_groups[0]['lr']"), each done by the C API call Python
    itself makes; `result` the exact type its value must have to be served: float, int, "ints"
    (a tuple of ints, as a list) or a dict mapping the value to its text; `when` maps further
    paths to the constant (True, None, ...) each must be, checked first. On anything else (another
    type, a failing step, an unmet `when`) the call runs the Python function, which stays the
    definition; the tests compare both in every state a value can be in.

    `memo`, a path to the tensor the value is read from, lets the bridge serve the last value
    again while that same tensor is at the same version: every in-place change bumps a tensor's
    version (autograd's own check for modified tensors relies on it), so a GradScaler's scale is
    read once per update, not once per call (on CUDA, .item() would wait for the device)."""
    path: str
    result: Any
    when: tuple[tuple[str, Any], ...] = ()
    memo: str = ""

    @staticmethod
    def steps(path: str) -> tuple[tuple[int, Any], ...]:
        """`path` as (op, argument) pairs: 0 getattr, 1 method call, 2 item."""
        steps, at = [], 0
        while at < len(path):
            m = _STEP.match(path, at)
            if m is None:
                raise ValueError(f"cannot read {path!r} at {path[at:]!r}")
            attr, call, index, key = m.groups()
            steps.append((1 if call else 0, sys.intern(attr)) if attr else
                         (2, int(index)) if index is not None else (2, sys.intern(key)))
            at = m.end()
        return tuple(steps)

    def compiled(self) -> tuple[Any, ...]:
        """What the bridge takes: (((steps, constant), ...), steps, result code or dict,
        memo steps or None)."""
        codes = {float: 0, int: 1, "ints": 2}
        result = self.result if isinstance(self.result, dict) else codes[self.result]
        return (tuple((self.steps(p), v) for p, v in self.when), self.steps(self.path), result,
                self.steps(self.memo) if self.memo else None)


@dataclass
class Command:
    name: str
    func: Callable[..., Any]
    params: list[Param]
    family: str
    forms: list = field(default_factory=list)      # texts as declared; Forms once built
    aliases: tuple[str, ...] = ()
    errors: dict[str, str] = field(default_factory=dict)
    doc: str = ""
    returns: str = ""
    passes_ctx: bool = False
    # Unknown -option value pairs are collected (as a flat word list, parameter "options") instead
    # of rejected: for a command that hands them on to another command's parser (lr_explore).
    open_options: bool = False
    # The order of checks. By default each word is read and checked as it comes. With
    # lookups_last (the reference's order on some pages) every word is vetted before any handle is
    # looked up: the word count (usage), then option pairs, then unknown options, then each value's
    # conversion, then required parameters; only then are handles resolved, and the range checks
    # (Param.check) come last.
    lookups_last: bool = False
    reads: tuple[Read, ...] = ()      # tried in order before the function (see Read)
    # A PyTorch callable that returns what func returns when the leading handle parameters (those
    # of a handle kind, the first n_direct) all come as handles and every other parameter is at
    # its default: the bridge calls it in func's place then (tensor_add $a $b is torch.add(a, b)),
    # which saves a Python call on the commonest form of the cheapest commands.
    direct: Callable[..., Any] | None = None

    def __post_init__(self) -> None:
        self.by_name = {p.name: p for p in self.params}
        self.options: dict[str, Param] = {}
        for p in self.params:
            for opt in p.option_names():
                if opt in self.options and self.options[opt] is not p:
                    raise ValueError(f"{self.name}: option {opt} declared twice")
                self.options[opt] = p
        self.forms = [self._form(text) for text in (self.forms or [self._default_form()])]
        bare = {"no_value": BARE_NO_VALUE} if self.name in BARE_NO_VALUE_COMMANDS else {}
        self.errors = {**DEFAULT_ERRORS, **bare, **self.errors}
        names = [self.name, camel(self.name), *self.aliases]
        self.names = list(dict.fromkeys(names))
        self._required = [p for p in self.params if p.required]
        self.trailing = next((p for p in self.params if p.trailing), None)
        # Every error this command raises starts with this (the spec's "Error in manual_seed: ").
        self.prefix = self.errors["prefix"].format(cmd=self.qualified)
        self._compile_fast_path()
        self.defaults = tuple(p.default for p in self.params)
        self.compiled_reads = tuple(r.compiled() for r in self.reads)
        self.n_direct = next((i for i, p in enumerate(self.fast or ())
                              if p.type.handle_kind is None), len(self.fast or ()))
        if self.direct and (not self.n_direct or self.passes_ctx or
                            any(p.required for p in self.params[self.n_direct:])):
            raise ValueError(f"{self.name}: direct takes leading handle parameters, and the "
                             "fast path")
        if self.reads and (self.fast is None or len(self.params) != 1 or self.passes_ctx or
                           self.params[0].type.handle_kind is None or
                           sum(bool(r.memo) for r in self.reads) > 1):
            raise ValueError(f"{self.name}: a Read serves a one-handle command's fast path, "
                             "one memo at most")

    def _default_form(self):
        return " ".join(f"?{p.label} ...?" if p.variadic else
                        p.label if p.required else f"?{p.label}?" for p in self.params)

    def _form(self, text):
        params: list[Param] = []
        n_required = 0
        for word in text.replace(" ...", "...").split():
            optional = word.startswith("?")
            key = word.strip("?").rstrip(".")
            p = next((q for q in self.params if key in (q.label, q.name)), None)
            if p is None:
                raise ValueError(f"{self.name}: form {text!r} names unknown parameter {key!r}")
            if not optional:
                if len(params) != n_required:
                    raise ValueError(f"{self.name}: required {key!r} after an optional one")
                n_required += 1
            params.append(p)
        variadic = bool(params) and params[-1].variadic
        return Form(text, params, n_required, variadic)

    @property
    def qualified(self) -> str:
        return "torch::" + self.name

    def named_form(self) -> str:
        """The syntax with every parameter by name: `-shape shape ?-dtype dtype?` (docs and
        inspection show it beside the positional forms)."""
        last = [self.trailing] if self.trailing else []
        return " ".join([f"{p.option} {p.label}" if p.required else f"?{p.option} {p.label}?"
                         for p in self.params if p not in last] + [p.label for p in last])

    def usage(self) -> str:
        return " OR ".join(f"{self.qualified} {f.text}".rstrip() for f in self.forms)

    def error(self, key: str, code: str, invoked: str | None = None,
              **fields: Any) -> CommandError:
        required = [p for p in self.params if p.required]
        fields.setdefault("option", "")
        fields.setdefault("name", "")
        fields.setdefault("label", "")
        fields.setdefault("value", "")
        fields.setdefault("camel", "")
        text = self.errors[key].format(
            cmd="torch::" + (invoked or self.name), usage=self.usage(),
            required=" and ".join(p.option for p in required),
            required_names=" and ".join(p.name for p in required),
            valid=", ".join(dict.fromkeys(
                opt for p in self.params for opt in ["-" + p.name] + ["-" + a for a in p.aliases])),
            **fields)
        return CommandError(text, code)

    # --- the parser -------------------------------------------------------------------------
    def _compile_fast_path(self):
        """The common call, only positional words read the same way by every syntax form, may
        skip the general parser: `fast` lists the parameters those words fill, in order (at
        least `fast_min` of them), and the function takes the rest at their defaults. dispatch.py
        builds that path; anything else (options, any error) goes through `parse`."""
        self.fast, self.fast_min, self.fast_variadic = None, 0, False
        self.fast_options: dict[str, int] | None = None
        # a function taking **options: the general path only
        positional = [n for n in arg_names(self.func) if n != "ctx"] == \
            [p.name for p in self.params]
        if self.open_options or self.lookups_last or not positional:
            return
        if any(f.variadic for f in self.forms):
            # One variadic form (`free ?handle ...?`, `hstack tensor ...`): its words, each read
            # as the general parser reads it, the last parameter's into a list; no options.
            if len(self.forms) == 1 and self.forms[0].params == self.params and not self.trailing:
                self.fast, self.fast_variadic = list(self.params), True
                # every word before the list (parse reads no fewer with this form), and the
                # list's first word if it is required (without any, parse says it is missing)
                self.fast_min = len(self.params) - 1 + self.params[-1].required
            return
        # With several forms, only the words every form reads alike (a common first stretch,
        # e.g. `input target` of cross_entropy_loss) take the fast path.
        shared = self.forms[0].params
        for f in self.forms[1:]:
            n = 0
            while n < min(len(shared), len(f.params)) and shared[n] is f.params[n]:
                n += 1
            shared = shared[:n]
        if shared != self.params[:len(shared)]:
            return
        if any(p.required for p in self.params[len(shared):]):
            return
        self.fast = list(shared)
        self.fast_min = sum(p.required for p in shared)
        # Options too (`-name value` pairs after the positional words), where parse reads each
        # pair as the same conversion of one word: every option spelling -> its parameter's index
        if not self.trailing and not any(p.variadic for p in self.params):
            index = {p.name: i for i, p in enumerate(self.params)}
            self.fast_options = {opt: index[p.name] for opt, p in self.options.items()}

    def parse(self, ctx: TorchTcl, words: list[str],
              invoked: str | None = None) -> dict[str, Any]:
        options = self.options
        n = len(words)
        i = 0
        while i < n:
            w = words[i]
            if w[:1] == "-" and (w in options or _looks_like_option(w)):
                break
            i += 1
        # lookups_last: handles to resolve and range checks to run once every word is read
        later: Later | None = {"lookups": {}, "checks": {}} if self.lookups_last else None
        if later is not None:
            self._vet_words(words, i, invoked)
        values: dict[str, Any] = {}
        if self.trailing and n - i >= 3 and (n - i) % 2 and words[n - 3] in options:
            n -= 1                      # options, then the trailing parameter's word
            values[self.trailing.name] = self._convert(ctx, self.trailing, words[n],
                                                       self.trailing.option, later)
        if i:
            self._positional(ctx, words[:i], values, invoked, later)
        for j in range(i, n, 2):
            key = words[j]
            p = options.get(key)
            if p is None and not self.open_options:
                raise self.error("unknown", "UNKNOWN_OPTION", invoked, option=key)
            if j + 1 == n:
                raise self.error("no_value", "NO_VALUE", invoked, option=key,
                                 name=p.name if p else key)
            if p is None:
                values.setdefault("options", []).extend(words[j:j + 2])
            elif p.variadic:           # by name, the words come as one Tcl list
                values[p.name] = [self._convert(ctx, p, w, key)
                                  for w in tcl_list(ctx, words[j + 1])]
            else:
                values[p.name] = self._convert(ctx, p, words[j + 1], key, later)
        for p in self._required:
            if p.name not in values:
                # Some pages word a missing argument differently in the positional syntax.
                key = "missing_positional" if i == n and "missing_positional" in self.errors \
                    else "missing"
                raise self.error(key, "MISSING", invoked, option=p.option, name=p.name,
                                 label=p.label, camel=camel(p.name))
        if later is not None:
            for name, (p, word, option) in later["lookups"].items():
                values[name] = self._convert(ctx, p, word, option)
            for p, value, word, option in later["checks"].values():
                self._check(p, value, word, option)
        for p in self.params:
            if p.name not in values:
                values[p.name] = p.default
        if self.open_options:
            values.setdefault("options", [])
        return values

    def _vet_words(self, words, i, invoked):
        """The checks that read no value (lookups_last): a positional word count no syntax form
        takes, then an option without its value, then an unknown option."""
        if i and not any(i >= len(f.params) - 1 if f.variadic else i <= len(f.params)
                         for f in self.forms):
            raise self.error("usage", "USAGE", invoked)
        n = len(words)
        if (n - i) % 2:
            key = words[-1]
            p = self.options.get(key)
            raise self.error("no_value", "NO_VALUE", invoked, option=key,
                             name=p.name if p else key)
        if not self.open_options:
            for key in words[i::2]:
                if key not in self.options:
                    raise self.error("unknown", "UNKNOWN_OPTION", invoked, option=key)

    def call(self, ctx: TorchTcl, values: dict[str, Any]) -> Any:
        """Run the command's function on parsed values (for commands that drive other commands)."""
        return self.func(ctx, **values) if self.passes_ctx else self.func(**values)

    def _positional(self, ctx, words, values, invoked, later=None):
        n = len(words)
        failure = None
        for form in self.forms:
            if form.variadic:
                fixed = len(form.params) - 1
                if n < fixed:
                    continue
                last = form.params[-1]
                pairs = list(zip(form.params[:fixed], words[:fixed], strict=True))
            elif n > len(form.params):
                continue
            else:
                # fewer words than parameters leave the optional tail to its defaults
                pairs = list(zip(form.params, words, strict=False))
            # a form that fails leaves nothing for later (its words mean something else)
            pending: Later | None = None if later is None else {"lookups": {}, "checks": {}}
            try:
                converted = {p.name: self._convert(ctx, p, w, p.label, pending)
                             for p, w in pairs}
                if form.variadic:
                    converted[last.name] = [self._convert(ctx, last, w, last.label)
                                            for w in words[fixed:]]
            except CommandError as e:
                failure = failure or e
                continue
            values.update(converted)
            if later is not None and pending is not None:
                for key in later:
                    later[key].update(pending[key])
            return
        raise failure or self.error("usage", "USAGE", invoked)

    def _convert(self, ctx, p, word, option, later=None):
        """The word as p's value. With `later` (lookups_last), a handle is left as its word to
        resolve later, and the range check is left for later too."""
        if word == "" and p.type.empty_is_missing:
            if p.required:
                raise self.error("missing", "MISSING", option=p.option, name=p.name,
                                 label=p.label)
            return p.default
        if later is not None and isinstance(p.type, Handle):
            later["lookups"][p.name] = (p, word, option)
            later["checks"].pop(p.name, None)
            return word
        try:
            value = p.type.convert(ctx, word)
        except CommandError as e:
            if p.invalid is None and e.code == "RANGE":      # a number beyond what torch takes
                raise CommandError(f'bad {option} "{word}": {e.message} ({e.detail})',
                                   e.code) from None
            if p.invalid is None:
                raise
            text = p.invalid.format(value=word, error=e.message, option=option)
            raise CommandError(f"{text} ({e.detail})" if e.detail else text, e.code) from None
        if later is not None:
            later["checks"][p.name] = (p, value, word, option)
            later["lookups"].pop(p.name, None)
        else:
            self._check(p, value, word, option)
        return value

    def _check(self, p, value, word, option):
        if p.check is not None and not p.check(value):
            text = p.check_msg or self.errors["check"]
            raise CommandError(text.format(value=word, option=option, name=p.name), "INVALID")


REGISTRY: dict[str, Command] = {}   # snake name -> Command


class Family:
    """Declares the commands of one family with the family's error texts.

        tensors = Family("tensors", missing="Missing required parameter: {option}")

        @tensors.command("zeros", param("shape", SHAPE), param("dtype", DTYPE, torch.float32))
        def zeros(shape, dtype): ...
    """

    def __init__(self, name: str, **errors: str) -> None:
        self.name = name
        self.errors = errors

    def command(self, name: str, *params: Param, forms: list[str] | None = None,
                aliases: tuple[str, ...] = (), errors: dict[str, str] | None = None,
                returns: str = "", doc: str | None = None, open_options: bool = False,
                lookups_last: bool = False, reads: tuple[Read, ...] = (),
                direct: Callable[..., Any] | None = None
                ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def register(func: Callable[..., Any]) -> Callable[..., Any]:
            if name in REGISTRY:
                raise ValueError(f"command {name} registered twice")
            first = next(iter(arg_names(func)), None)
            REGISTRY[name] = Command(
                name=name, func=func, params=list(params), family=self.name,
                forms=list(forms or []), aliases=tuple(aliases),
                errors={**self.errors, **(errors or {})}, returns=returns,
                doc=inspect.cleandoc(doc or func.__doc__ or ""), passes_ctx=first == "ctx",
                open_options=open_options, lookups_last=lookups_last, reads=tuple(reads),
                direct=direct)
            return func
        return register


def lookup(word: str) -> Command | None:
    """The command a word names: `torch::x`, `::torch::x`, `x`, or a camelCase/alias spelling."""
    name = word.lstrip(":")
    if name.startswith("torch::"):
        name = name[len("torch::"):]
    if name in REGISTRY:
        return REGISTRY[name]
    for cmd in REGISTRY.values():
        if name in cmd.names:
            return cmd
    return None
