"""From a command's declaration to the Python callback Tcl invokes for it.

Every call can take the general path: `Command.parse` reads positional words and options, checks
them and words every error. Most calls in a loop are plain positional words, though, and those take
a fast path generated here from the same declaration (`Command.fast`): for each number of words it
accepts, straight-line code converts each word with its type's one-word converter (`Type.fast`: a
bare dict lookup for a handle) and calls the command's function positionally with the remaining
defaults. A word the fast converter does not take (an option, a number where a handle is expected,
anything wrong) sends the call to the general path instead, which says what is wrong; the function
itself runs once, whatever it raises.

On this machine the fast path costs under a microsecond on top of tkinter's own dispatch; see
`make bench`.
"""

import torch

from .errors import CommandError


class Abort(Exception):
    """Raised out of a Tcl command callback after the Tcl error result has been set.

    tkinter turns any exception leaving a callback into TCL_ERROR but leaves the interpreter's
    result alone, so the message must already be there: `TorchTcl._fail` sets it by letting Tcl's
    own `error` command fail first. tkinter also parks the exception in a C global until `mainloop`
    collects it; `TorchTcl._drain` does that so no exception (or its frames) is kept alive.
    """


def torch_message(exc):
    text = str(exc).strip() or type(exc).__name__
    # PyTorch appends C++ provenance to some messages; a Tcl user needs the first part only.
    return text.split("\n\nException raised from")[0].strip()


def make_callback(ctx, cmd, invoked):
    """The callback for `cmd` invoked as `invoked` (its snake_case or camelCase name) in the
    interpreter `ctx`."""
    parse, func, to_tcl, fail = cmd.parse, cmd.func, ctx.to_tcl, ctx._fail
    tensor_type, put_tensor = torch.Tensor, ctx.store.put_tensor

    def failed(e):
        if isinstance(e, CommandError):
            fail(cmd.prefix + e.message, ("TORCH", e.code, cmd.name))
        if isinstance(e, KeyboardInterrupt):
            fail("interrupted", ("TORCHTCL", "INTERRUPT"))
        fail(cmd.prefix + torch_message(e), ("TORCH", "RUNTIME", cmd.name))

    def general(*words):
        try:
            values = parse(ctx, words, invoked)
            result = func(ctx, **values) if cmd.passes_ctx else func(**values)
            return put_tensor(result) if type(result) is tensor_type else to_tcl(result)
        except Abort:
            raise
        except (Exception, KeyboardInterrupt) as e:  # never a traceback: a Tcl error
            failed(e)

    if cmd.fast is None:
        return general
    names = {"general": general, "func": func, "failed": failed, "Abort": Abort,
             "Tensor": tensor_type, "put_tensor": put_tensor, "to_tcl": to_tcl, "ctx": ctx}
    for i, p in enumerate(cmd.params):
        names[f"d{i}"] = p.default
    for i, p in enumerate(cmd.fast):
        names[f"f{i}"] = _checked(p.type.fast(ctx), p.check)
    namespace = {}
    exec(_fast_source(cmd), names, namespace)   # noqa: S102 - source built from the declaration
    callback = namespace["callback"]
    callback.__qualname__ = f"torch::{invoked}"
    return callback


def _checked(convert, check):
    if check is None:
        return convert

    def checked(word):
        value = convert(word)
        if not check(value):
            raise ValueError(word)       # the general path words the check's error
        return value
    return checked


def _fast_source(cmd):
    """For `cmd.fast = [input, other]` of tensor_add(input, other, alpha=1), the arm for two words:

        if n == 2:
            try:
                a0 = f0(words[0]); a1 = f1(words[1])
            except Exception:
                return general(*words)
            try:
                r = func(a0, a1, d2)
                return put_tensor(r) if type(r) is Tensor else to_tcl(r)
            except Abort:
                raise
            except (Exception, KeyboardInterrupt) as e:
                failed(e)
    """
    lead = ["ctx"] if cmd.passes_ctx else []
    lines = ["def callback(*words):", "    n = len(words)"]
    for n in range(cmd.fast_min, len(cmd.fast) + 1):
        args = [f"a{i}" for i in range(n)]
        convert = "; ".join(f"a{i} = f{i}(words[{i}])" for i in range(n)) or "pass"
        call = ", ".join(lead + args + [f"d{i}" for i in range(n, len(cmd.params))])
        lines += [f"    if n == {n}:",
                  "        try:",
                  f"            {convert}",
                  "        except Exception:",
                  "            return general(*words)",
                  "        except KeyboardInterrupt as e:",
                  "            failed(e)",
                  "        try:",
                  f"            r = func({call})",
                  "            return put_tensor(r) if type(r) is Tensor else to_tcl(r)",
                  "        except Abort:",
                  "            raise",
                  "        except (Exception, KeyboardInterrupt) as e:",
                  "            failed(e)"]
    lines.append("    return general(*words)")
    return "\n".join(lines) + "\n"
