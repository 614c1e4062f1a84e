"""Completion and inspection of Tcl code, from the registry and a live interpreter.

Frontend-neutral: the kernel and the magics both use it.
"""

import pathlib
import re

from .core.registry import REGISTRY, REQUIRED, camel, lookup

_WORD_END = re.compile(r"[^\s\[\]{};\"]*")
# Each command's runnable example, hand-written in the repository's docs/ (absent when the package
# is installed without the repository: inspection then shows no example).
EXAMPLES = pathlib.Path(__file__).resolve().parent.parent / "docs" / "examples"


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
        named = " ".join(f"-{camel(p.name)} {p.label}" if p.required else
                         f"?-{camel(p.name)} {p.label}?" for p in cmd.params)
        lines.append(f"  {cmd.qualified} {named}")
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
    def __init__(self, interp):
        self.interp = interp
        self.tk = interp.tk

    # --- completion --------------------------------------------------------------------------
    def complete(self, code, cursor):
        """-> (matches, start, end)"""
        words = command_words(code, cursor)
        partial = words[-1]
        start = cursor - len(partial)
        if partial.startswith("$"):
            names = self.tk.splitlist(self.tk.eval("info vars"))
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
            tcl = self.tk.splitlist(self.tk.eval("info commands"))
            matches += sorted(n for n in tcl if n.startswith(partial))
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
                values += self.interp.store.names(None if kind == "any" else kind)
            values += list(p.type.choices)
        return list(dict.fromkeys(values))

    # --- inspection --------------------------------------------------------------------------
    def inspect(self, code, cursor):
        """Plain text about the word at the cursor, or None."""
        word = self._word_at(code, cursor)
        if not word:
            return None
        if word.startswith("$"):
            name = word[1:].strip("{}")
            if self.tk.call("info", "exists", name):
                if self.tk.call("array", "exists", name):
                    return f"array {name}: {self.tk.eval(f'array get {{{name}}}')}"
                return f"{name} = {self.tk.call('set', name)}"
            return None
        cmd = lookup(word)
        if cmd is not None:
            return command_help(cmd)
        if word in self.interp.store:
            return "\n".join(f"{k}: {_show(v)}" for k, v in self.interp.store.describe(word).items())
        if self.tk.call("info", "procs", word):
            args = self.tk.call("info", "args", word)
            return f"proc {word} {{{_show(args)[1:-1] if isinstance(args, tuple) else args}}}\n" \
                   f"{self.tk.call('info', 'body', word)}"
        if self.tk.call("info", "commands", word):
            return f"{word}: a Tcl command"
        return None

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
