"""Completion and inspection of Tcl code, from the registry and a live interpreter.

Frontend-neutral: the kernel and the magics both use it.
"""

import pathlib
import re
import tkinter

import torch

from .core.registry import REGISTRY, REQUIRED, camel, lookup
from .core.types import split_list
from .shown import shown

_WORD_END = re.compile(r"[^\s\[\]{};\"]*")
# Each command's runnable example, hand-written in the repository's docs/ (absent when the package
# is installed without the repository: inspection then shows no example).
# Package data, so an installed wheel has them; docs/examples is a symlink to this directory.
EXAMPLES = pathlib.Path(__file__).resolve().parent / "data" / "examples"


def command_words(code, cursor):
    """The words of the command the cursor is in, up to the cursor (the last may be partial)."""
    text = code[:cursor]
    start, stack = 0, []
    for i, ch in enumerate(text):
        if ch in "[{":
            stack.append(start)
            start = i + 1
        elif ch in "]}" and stack:
            start = stack.pop()
        elif ch in "\n;":
            start = i + 1
    segment = text[start:]
    words = re.findall(r'"[^"]*"?|\S+', segment)
    if not segment or segment[-1].isspace():
        words.append("")
    return words


def command_help(cmd):
    """A command's syntax, parameters and result, as plain text (inspection and docs use it)."""
    lines = [f"{cmd.qualified}" + (f"  (also {', '.join('torch::' + n for n in cmd.names[1:])})"
                                   if len(cmd.names) > 1 else ""), ""]
    if cmd.doc:
        lines += [cmd.doc, ""]
    lines.append("Syntax:")
    for form in cmd.forms:
        lines.append(f"  {cmd.qualified} {form.text}".rstrip())
    if cmd.params:
        lines.append(f"  {cmd.qualified} {cmd.named_form()}")
        lines += ["", "Parameters:"]
        for p in cmd.params:
            spellings = ", ".join(p.option_names())
            default = "required" if p.default is REQUIRED else f"default {_show(p.default)}"
            lines.append(f"  {spellings}")
            lines.append(f"      {p.type.name}, {default}" + (f". {p.doc}" if p.doc else ""))
    if cmd.returns:
        lines += ["", f"Returns: {cmd.returns}"]
    example = command_example(cmd)
    if example:
        lines += ["", "Example:"] + ["  " + line if line else "" for line in example.split("\n")]
    return "\n".join(lines)


def command_example(cmd, examples=EXAMPLES):
    """The command's example script from docs/examples/NAME.tcl, or None where there is none."""
    try:
        return (pathlib.Path(examples) / f"{cmd.name}.tcl").read_text().strip("\n")
    except OSError:
        return None


def _show(value):
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "{" + " ".join(map(str, value)) + "}"
    text = str(value)
    return text.split(".")[-1] if text.startswith("torch.") else text


class Introspector:
    """No text of the user's is ever part of a Tcl script here, nor a glob pattern: it goes to
    Tcl as a word of its own (`tk.call`), to commands that take it literally."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.tk = ctx.tk

    # --- completion --------------------------------------------------------------------------
    def complete(self, code, cursor):
        """-> (matches, start, end)"""
        words = command_words(code, cursor)
        partial = words[-1]
        start = cursor - len(partial)
        if partial.startswith("$"):
            names = split_list(self.tk, self.tk.eval("info vars"))
            return sorted("$" + n for n in names if ("$" + n).startswith(partial)
                          and not n.startswith("_")), start, cursor
        if len(words) == 1:
            return self._commands(partial), start, cursor
        cmd = lookup(words[0])
        if cmd is None:
            return [], start, cursor
        if partial.startswith("-") and not _is_number(partial):
            opts = sorted(cmd.options, key=lambda o: (o != "-" + camel(cmd.options[o].name), o))
            return [o for o in opts if o.startswith(partial)], start, cursor
        return [v for v in self._values(cmd, words[1:-1]) if v.startswith(partial)], start, cursor

    def _commands(self, partial):
        lead = "::" if partial.startswith("::") else ""
        torch_names = sorted(f"{lead}torch::{n}" for c in REGISTRY.values() for n in c.names)
        matches = [n for n in torch_names if n.startswith(partial)]
        if not partial.startswith(("torch::", "::torch::")):
            names = split_list(self.tk, self.tk.eval("info commands"))
            matches += sorted(n for n in names if n.startswith(partial))
        return matches

    def _values(self, cmd, before):
        """What may go in the next word: live handles, or the choices of the parameter there."""
        params = []
        if before and before[-1] in cmd.options:
            params = [cmd.options[before[-1]]]
        elif not any(w in cmd.options for w in before):
            params = [f.params[len(before)] for f in cmd.forms if len(before) < len(f.params)]
        values = []
        for p in params:
            kind = p.type.handle_kind
            if kind:
                values += self.ctx.store.names(None if kind == "any" else kind)
            values += list(p.type.choices)
        return list(dict.fromkeys(values))

    # --- inspection --------------------------------------------------------------------------
    def inspect(self, code, cursor):
        """Plain text about the word at the cursor (only the start of a long value), or None."""
        text = self._about(code, cursor)
        return None if text is None else shown(text)

    def _about(self, code, cursor):
        word = self._word_at(code, cursor)
        if not word:
            return None
        if word.startswith("$"):
            name = word[1:].strip("{}")
            if self.tk.call("info", "exists", name):
                if self.tk.call("array", "exists", name):
                    pairs = split_list(self.tk, self.tk.call("array", "get", name))
                    pairs = sorted(zip(pairs[::2], pairs[1::2], strict=True),
                                   key=lambda kv: str(kv[0]))
                    return f"array {name}: {self._text([w for kv in pairs for w in kv])}"
                value = self._text(self.tk.call("set", name))
                text = f"{name} = {value}"
                # a variable holding a handle: what the handle is, not only its name
                if self.ctx.store.handles.get(value) is not None:
                    text += "\n" + handle_details(self.ctx.store, value)
                return text
            return None
        cmd = lookup(word)
        if cmd is not None:
            return command_help(cmd)
        if self.ctx.store.handles.get(word) is not None:
            return handle_details(self.ctx.store, word)
        # (`info procs` and `info commands` take glob patterns: `*` would match them all)
        if self._is_proc(word):
            args, body = (self._text(self.tk.call("info", part, word)) for part in ("args", "body"))
            return f"proc {word} {{{args}}}\n{body}"
        if self.tk.call("namespace", "which", "-command", word):
            return f"{word}: a Tcl command"
        return None

    def _is_proc(self, name):
        try:
            self.tk.call("info", "args", name)
            return True
        except tkinter.TclError:       # "..." isn't a procedure
            return False

    def _text(self, value):
        """A Tcl value as Tcl writes it (tk.call gives a list as a tuple, a number as one)."""
        return str(self.tk.call("format", "%s", value))

    @staticmethod
    def _word_at(code, cursor):
        left = re.search(r"[^\s\[\]{};\"]*$", code[:cursor]).group(0)
        right = _WORD_END.match(code, cursor).group(0)
        return left + right


def _is_number(word):
    try:
        float(word)
        return True
    except ValueError:
        return False


# --- what handles look like ----------------------------------------------------------------------
SMALL = 20          # a tensor of up to this many elements shows its values when inspected
# The settings of an optimizer's first parameter group that an inspection shows, where it has them
_OPTIMIZER_SETTINGS = ("momentum", "nesterov", "betas", "alpha", "eps", "weight_decay")


def handle_details(store, name):
    """What Shift-Tab shows of a handle: a tensor's shape, dtype, device, requires_grad (and
    values when small); one line of class and settings for the other kinds."""
    handle = store.handles[name]
    obj, summary = handle.obj, store.describe(name)
    if handle.kind == "tensor":
        lines = [f"{name}: tensor", f"shape: {_show(summary['shape'])}",
                 f"dtype: {summary['dtype']}", f"device: {summary['device']}",
                 f"requires_grad: {_show(obj.requires_grad)}", f"bytes: {summary['bytes']}"]
        if obj.numel() <= SMALL and not obj.is_meta:      # (a meta tensor has no values)
            lines.append(f"values: {tensor_text(obj)}")
        return "\n".join(lines)
    settings = {k: v for k, v in summary.items() if k not in ("handle", "kind", "type", "bytes")}
    if isinstance(obj, torch.optim.Optimizer):      # (a wrapper describes itself)
        lrs = settings.pop("lr")
        group = obj.param_groups[0]
        settings = {"lr": lrs[0] if len(set(lrs)) == 1 else lrs,
                    **{k: group[k] for k in _OPTIMIZER_SETTINGS if group.get(k) is not None},
                    "parameters": sum(len(g["params"]) for g in obj.param_groups)}
    elif isinstance(obj, torch.nn.Module):
        extra = obj.extra_repr()
        settings = {**({"": extra} if extra else {}), **settings, "training": obj.training}
    words = ", ".join(f"{k}: {_show(v)}" if k else v for k, v in settings.items())
    return f"{name}: {summary['kind']} {summary['type']}" + (f", {words}" if words else "")


def tensor_text(tensor, **options):
    """PyTorch's printed form (torch::tensor_print's), without grad_fn; long ones summarised
    (on the tensor's device: no copy of a large one)."""
    with torch._tensor_str.printoptions(**options):
        return str(tensor.detach())
