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

import inspect
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from .errors import CommandError
from .types import STRING, Type, tcl_list

REQUIRED = object()
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
    aliases: tuple = ()
    label: str = None          # its word in syntax forms ("tensor" for -input, say)
    check: Callable = None     # predicate on the converted value
    check_msg: str = None      # when check fails; None: the command's "check" error text
    invalid: str = None        # message when the word does not convert ({value}, {error})
    doc: str = ""
    variadic: bool = False     # positionally, takes every remaining word (as a list)

    def __post_init__(self):
        self.label = self.label or self.name

    @property
    def required(self):
        return self.default is REQUIRED

    @property
    def option(self):
        return "-" + camel(self.name)

    def option_names(self):
        names = []
        for n in (self.name, *self.aliases):
            for spelled in (n, camel(n), snake(n)):
                if "-" + spelled not in names:
                    names.append("-" + spelled)
        return names


def P(name, type=STRING, default=REQUIRED, **kw):
    return Param(name, type, default, **kw)


@dataclass
class Form:
    """One positional syntax: its text as docs show it and the parameters it fills, in order."""

    text: str
    params: list
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
    "no_value": "Missing value for parameter",
    "missing": "Required parameter missing: {name}",
    "check": "Invalid value for {option}: {value}",
}


@dataclass
class Command:
    name: str
    func: Callable
    params: list
    family: str
    forms: list = field(default_factory=list)
    aliases: tuple = ()
    errors: dict = field(default_factory=dict)
    doc: str = ""
    returns: str = ""
    passes_ctx: bool = False
    # Unknown -option value pairs are collected (as a flat word list, parameter "options") instead
    # of rejected: for a command that hands them on to another command's parser (lr_explore).
    open_options: bool = False

    def __post_init__(self):
        self.by_name = {p.name: p for p in self.params}
        self.options = {}
        for p in self.params:
            for opt in p.option_names():
                if opt in self.options and self.options[opt] is not p:
                    raise ValueError(f"{self.name}: option {opt} declared twice")
                self.options[opt] = p
        self.forms = [self._form(text) for text in (self.forms or [self._default_form()])]
        self.errors = {**DEFAULT_ERRORS, **self.errors}
        names = [self.name, camel(self.name), *self.aliases]
        self.names = list(dict.fromkeys(names))
        self._required = [p for p in self.params if p.required]
        # Every error this command raises starts with this (the spec's "Error in manual_seed: ").
        self.prefix = self.errors["prefix"].format(cmd=self.qualified)
        self._compile_fast_path()

    def _default_form(self):
        return " ".join(f"?{p.label} ...?" if p.variadic else
                        p.label if p.required else f"?{p.label}?" for p in self.params)

    def _form(self, text):
        params, n_required = [], 0
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
    def qualified(self):
        return "torch::" + self.name

    def usage(self):
        return " OR ".join(f"{self.qualified} {f.text}".rstrip() for f in self.forms)

    def error(self, key, code, invoked=None, **fields):
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
        self.fast, self.fast_min = None, 0
        if any(f.variadic for f in self.forms) or self.open_options:
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
        signature = [n for n in inspect.signature(self.func).parameters if n != "ctx"]
        if signature != [p.name for p in self.params]:
            return                      # a function taking **options: the general path only
        self.fast = list(shared)
        self.fast_min = sum(p.required for p in shared)

    def parse(self, ctx, words, invoked=None):
        options = self.options
        n = len(words)
        i = 0
        while i < n:
            w = words[i]
            if w[:1] == "-" and (w in options or _looks_like_option(w)):
                break
            i += 1
        values = {}
        if i:
            self._positional(ctx, words[:i], values, invoked)
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
                values[p.name] = self._convert(ctx, p, words[j + 1], key)
        for p in self._required:
            if p.name not in values:
                # Some pages word a missing argument differently in the positional syntax.
                key = "missing_positional" if i == n and "missing_positional" in self.errors \
                    else "missing"
                raise self.error(key, "MISSING", invoked, option=p.option, name=p.name,
                                 label=p.label, camel=camel(p.name))
        for p in self.params:
            if p.name not in values:
                values[p.name] = p.default
        if self.open_options:
            values.setdefault("options", [])
        return values

    def call(self, ctx, values):
        """Run the command's function on parsed values (for commands that drive other commands)."""
        return self.func(ctx, **values) if self.passes_ctx else self.func(**values)

    def _positional(self, ctx, words, values, invoked):
        n = len(words)
        failure = None
        for form in self.forms:
            if form.variadic:
                fixed = len(form.params) - 1
                if n < fixed:
                    continue
                last = form.params[-1]
                pairs = list(zip(form.params, words[:fixed]))
            elif n > len(form.params):
                continue
            else:
                pairs = list(zip(form.params, words))
            try:
                converted = {p.name: self._convert(ctx, p, w, p.label) for p, w in pairs}
                if form.variadic:
                    converted[last.name] = [self._convert(ctx, last, w, last.label)
                                            for w in words[fixed:]]
            except CommandError as e:
                failure = failure or e
                continue
            values.update(converted)
            return
        raise failure or self.error("usage", "USAGE", invoked)

    def _convert(self, ctx, p, word, option):
        if word == "" and p.type.empty_is_missing:
            if p.required:
                raise self.error("missing", "MISSING", option=p.option, name=p.name,
                                 label=p.label)
            return p.default
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
        if p.check is not None and not p.check(value):
            text = p.check_msg or self.errors["check"]
            raise CommandError(text.format(value=word, option=option, name=p.name), "INVALID")
        return value


REGISTRY = {}   # snake name -> Command


class Family:
    """Declares the commands of one family with the family's error texts.

        tensors = Family("tensors", missing="Missing required parameter: {option}")

        @tensors.command("zeros", P("shape", SHAPE), P("dtype", DTYPE, torch.float32))
        def zeros(shape, dtype): ...
    """

    def __init__(self, name, **errors):
        self.name = name
        self.errors = errors

    def command(self, name, *params, forms=None, aliases=(), errors=None, returns="", doc=None,
                open_options=False):
        def register(func):
            if name in REGISTRY:
                raise ValueError(f"command {name} registered twice")
            first = next(iter(inspect.signature(func).parameters), None)
            REGISTRY[name] = Command(
                name=name, func=func, params=list(params), family=self.name,
                forms=list(forms or []), aliases=tuple(aliases),
                errors={**self.errors, **(errors or {})}, returns=returns,
                doc=inspect.cleandoc(doc or func.__doc__ or ""), passes_ctx=first == "ctx",
                open_options=open_options)
            return func
        return register


def lookup(word):
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
