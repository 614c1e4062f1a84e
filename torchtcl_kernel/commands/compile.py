"""Compiling models with torch.compile (TorchDynamo and a backend: inductor by default), with an
eager fallback: a model whose compilation fails keeps working, uncompiled, and says why.

The handle torch::compile returns is a model like any other (layer_forward, layer_parameters, the
optimizers, model_train / model_eval, the checkpoint commands ...). It shares its parameters and
buffers with the model it was made from: training either trains both. Its checkpoints hold the
original model's state under the original names, so they load into either.

Compilation is lazy, as in PyTorch: it happens at the first forward pass (and again when a later
call's shapes, dtypes, device or mode differ from what was compiled for). That is where a compiler
failure shows, and where the fallback happens.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
import time
import types
import warnings

import torch

from ..core.errors import CommandError, strip_cpp
from ..core.registry import Family, param
from ..core.types import BOOL, MODULE, Choice, Type

compile_ = Family("compile", missing="Required parameter missing: {option}")

MODES = ("default", "reduce-overhead", "max-autotune")
# The backends every PyTorch build has; any other registered one (torch._dynamo.list_backends,
# torch._dynamo.register_backend) is taken too.
BACKENDS = ("inductor", "eager", "aot_eager")


def _dynamo():
    """torch._dynamo, imported on first use (it takes a second or so to import), or None where it
    cannot be imported at all."""
    try:
        import torch._dynamo
    except Exception:
        return None
    return torch._dynamo


def unavailable():
    """Why torch.compile cannot run in this process (a sentence), or None when it can."""
    dynamo = _dynamo()
    if dynamo is None:
        return "torch._dynamo cannot be imported"
    try:
        dynamo.eval_frame.check_if_dynamo_supported()
    except Exception as e:
        return strip_cpp(str(e)) or type(e).__name__
    return None


class Backend(Type):
    """A torch.compile backend by name: inductor, eager, aot_eager or any other registered one."""

    name = "inductor|eager|aot_eager|registered backend"
    choices = BACKENDS
    bad_example = "no_such_backend"

    def convert(self, ctx, word):
        if word in BACKENDS:
            return word
        dynamo = _dynamo()
        if dynamo is not None and word in dynamo.list_backends(exclude_tags=()):
            return word
        raise CommandError(f'bad value "{word}": must be {", ".join(BACKENDS)} or another '
                           "backend registered with torch._dynamo (torch._dynamo.list_backends)")


BACKEND = Backend()


def compiler_errors():
    """What torch.compile raises when it cannot compile (its TorchDynamoException family wraps the
    backend's own failures, e.g. a C++ compiler inductor cannot run)."""
    from torch._dynamo import exc
    return (exc.TorchDynamoException, exc.FailOnRecompileLimitHit)


def reason_of(error):
    """The first lines of a compiler error that say what went wrong, on one line."""
    lines = [line.strip() for line in strip_cpp(str(error)).splitlines() if line.strip()]
    lines = [line for line in lines
             if not line.startswith(("Set TORCHDYNAMO_VERBOSE", "from user code", "File \""))]
    text = " ".join(lines[:2]) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:300]


# The failed trace of a model with a bug of its own (a shape mismatch) makes PyTorch log the
# fake-tensor traceback before raising; the eager rerun then raises the real error, so that log
# says nothing new. It is dropped while a compiled model's call runs, and only then.
_calling = threading.local()


@contextlib.contextmanager
def quiet_imports():
    """Around a compiler's first use: its first imports load torch.utils.mkldnn, which uses the
    deprecated torch.jit.script_method, a warning that is PyTorch's business, not the
    script's."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "`torch.jit.script_method` is deprecated",
                                DeprecationWarning)
        yield


class _QuietTrace(logging.Filter):
    def filter(self, record):
        return not (getattr(_calling, "depth", 0) and
                    record.getMessage().startswith("failed while attempting to run meta"))


_QUIET = _QuietTrace()


# The code each structure of model (with the handle's settings) has its calls compiled through
_SHARED_CODE: dict = {}


def own_code(function, shared_by=None):
    """function with a code object of its own, or the one every function given the same
    `shared_by` key has. Dynamo keeps what it learns per code object: compiled code (at most
    recompile_limit versions, 8) and, once a call traced no operation at all, a mark that skips
    that code for good. Functions made by the same `def` share their code, and so does
    torch.compile(module) for every module of torch.nn (one wrapper's): one model without
    operations (an empty sequential) then made every model compiled after it in the process run
    eagerly, unsaid (PyTorch issue #132923), and a ninth compiled step alive would not compile.
    A code object of its own keeps a function to itself, but Dynamo never frees it (its caches
    keep every code object they saw, with what was compiled for it: 0.6 to 0.9 MB a model), so
    what is made again and again shares one by key."""
    code = function.__code__.replace() if shared_by is None else \
        _SHARED_CODE.setdefault(shared_by, function.__code__.replace())
    return types.FunctionType(code, function.__globals__, function.__name__,
                              function.__defaults__, function.__closure__)


def structure(model):
    """What decides the code a model's forward pass runs: each submodule's place, type and
    settings (its extra_repr: sizes, rates), or None when a module cannot say (its own
    extra_repr fails). Models that differ in a setting get codes apart, so a sweep over one does
    not spend a shared code's recompile budget."""
    try:
        return tuple((name, type(module), str(module.extra_repr()))
                     for name, module in model.named_modules())
    except Exception:
        return None


class CompiledModel(torch.nn.Module):
    """What a torch::compile handle holds: the original model (registered as `_orig_mod`, as
    torch.compile's OptimizedModule has it, so parameters, buffers and modes are the original's)
    and torch.compile's wrapper of it, which runs until it fails to compile."""

    handle_prefix = "compiled"

    def __init__(self, model, mode, backend, fullgraph, dynamic, ctx, reason=None):
        super().__init__()
        self._orig_mod = model
        self.settings = {"mode": mode, "backend": backend, "fullgraph": fullgraph,
                         "dynamic": dynamic}
        self.status = "fallback" if reason else "pending"   # then "compiled" or "fallback"
        self.fallback_reason = reason or ""
        self.first_call_seconds = None
        self._ctx = ctx                # the interpreter's weak proxy: where the warning goes
        compiled = None
        if reason is None:
            def call(*args, **kwargs):
                return model(*args, **kwargs)
            # (the model's call, not the model: own_code says why). Models of one structure,
            # compiled alike, share its code: a model made again (a cell run twice) reuses what
            # Dynamo compiled for the last one, as torch.compile(model) would; an op-less model
            # stops only models like itself, which have no operations to compile either.
            shape = structure(model)
            call = own_code(call, shared_by=shape and (shape, *self.settings.values()))
            with quiet_imports():
                compiled = torch.compile(call, mode=None if mode == "default" else mode,
                                         backend=backend, fullgraph=fullgraph, dynamic=dynamic)
        self.__dict__["_compiled"] = compiled     # not a submodule: _orig_mod is the one

    def extra_repr(self):
        return f"mode={self.settings['mode']}, backend={self.settings['backend']}, " \
               f"status={self.status}"

    def forward(self, *args, **kwargs):
        compiled = self._compiled
        if compiled is None:
            return self._orig_mod(*args, **kwargs)
        started = time.perf_counter() if self.first_call_seconds is None else None
        _calling.depth = getattr(_calling, "depth", 0) + 1
        try:
            result = compiled(*args, **kwargs)
        except Exception as e:
            if not isinstance(e, compiler_errors()):
                raise
            # Compilation failed. Either the model itself is wrong for these inputs (a shape
            # mismatch found while tracing): running it eagerly raises that error, as the
            # uncompiled model would; or the compiler is at fault: the model runs eagerly from
            # now on.
            result = self._orig_mod(*args, **kwargs)
            self._fall_back(e)
            return result
        finally:
            _calling.depth -= 1
        if started is not None:
            self.compiled_once(time.perf_counter() - started)
        return result

    def compiled_once(self, seconds):
        """A first call ran compiled (a forward pass, or a fused step: fused_step.py), in
        seconds."""
        if self.first_call_seconds is None:
            self.first_call_seconds = seconds
        if self.status == "pending":
            self.status = "compiled"

    def _fall_back(self, error):
        self.__dict__["_compiled"] = None
        self.status = "fallback"
        self.fallback_reason = reason_of(error)
        self.warn()

    def warn(self):
        """The one warning a fallback gives, on the interpreter's stderr."""
        try:
            name = self._ctx.store.name_of(self)
            self._ctx.write_stderr(
                f"torchtcl: torch::compile: {name} runs eagerly (uncompiled) from now on: "
                f"{self.fallback_reason}\n")
        except ReferenceError:          # the interpreter is gone: nobody to tell
            pass

    def info(self):
        fused = self.__dict__.get("_fused")       # torch::train_step's (fused_step.py)
        step = "none" if fused is None else "pending" if fused.state == "warm" else fused.state
        return {**self.settings, "compiled": self.status != "fallback", "status": self.status,
                "fallback_reason": self.fallback_reason,
                "first_call_seconds": self.first_call_seconds, "step": step,
                "step_reason": "" if fused is None else fused.reason or ""}


def unwrapped(model):
    """The model a compiled one runs (torch::compile's, or torch.compile's OptimizedModule put
    from Python); any other model itself. Checkpoints hold this model's state, so that they
    carry the same names whether saved from the compiled handle or from the original."""
    if isinstance(model, CompiledModel):
        return model._orig_mod
    eval_frame = sys.modules.get("torch._dynamo.eval_frame")   # not imported: nothing compiled
    if eval_frame is not None and isinstance(model, eval_frame.OptimizedModule):
        return model._orig_mod
    return model


MODEL = param("model", MODULE, invalid="Model not found")


@compile_.command(
    "compile", MODEL, param("mode", Choice(*MODES), "default"),
    param("backend", BACKEND, "inductor"), param("fullgraph", BOOL, False),
    param("dynamic", BOOL, None,
          doc="unset: PyTorch's choice (static shapes first, dynamic after a shape changes)"),
    forms=["model ?mode?"], returns="module handle (compiledN)")
def compile_model(ctx, model, mode, backend, fullgraph, dynamic):
    """A new model handle running the model through torch.compile with mode, backend, fullgraph
    and dynamic; models of other structures cannot stop it compiling, and a model of the same
    structure made again reuses what was compiled for the last one. It shares the model's
    parameters and buffers (an optimizer on either trains both) and takes every command a model
    does. Compilation happens at its first forward pass, not here: that call takes seconds
    (inductor generates and compiles C++), later ones reuse the result until the input's shapes
    or dtypes, the device or train / eval mode change. -mode chooses inductor's optimisation
    effort (reduce-overhead and max-autotune spend longer compiling; reduce-overhead adds CUDA
    graphs, so on the CPU it does what default does); the other backends have no modes:
    eager only traces the model (a check that it compiles), aot_eager also traces autograd.
    -fullgraph 1 turns a graph break (code Dynamo cannot trace) into a compiler failure.

    Where torch.compile cannot run here, or compiling fails (no C++ compiler for inductor, code
    the compiler does not handle), the handle runs the model eagerly, uncompiled, from then on:
    one warning on stderr, and torch::compile_info says why. An error of the model's own (a shape
    mismatch) is raised as the uncompiled model raises it. Compiling a compiled handle compiles
    its original model again."""
    if mode != "default" and backend != "inductor":
        raise CommandError(f"-mode {mode} needs -backend inductor (the {backend} backend has no "
                           "modes)")
    model = unwrapped(model)
    reason = unavailable()
    if reason is None:
        logging.getLogger("torch._subclasses.fake_tensor").addFilter(_QUIET)  # (once: a set)
    compiled = CompiledModel(model, mode, backend, fullgraph, dynamic, ctx,
                             reason and f"torch.compile is not available: {reason}")
    if reason:
        compiled.warn()
    return compiled


@compile_.command("compile_info", MODEL, returns="dict: mode backend fullgraph dynamic compiled "
                  "status fallback_reason first_call_seconds step step_reason")
def compile_info(ctx, model):
    """How a torch::compile handle runs, as a Tcl dict. Its mode, backend, fullgraph and dynamic
    settings (dynamic empty: PyTorch's choice); compiled 1 unless it fell back to eager; status
    pending (nothing compiled yet), compiled or fallback; fallback_reason (empty unless it fell
    back); first_call_seconds, how long its first compiled call (a forward pass, or a fused
    torch::train_step) took, compiling included (empty before it); step, how torch::train_step
    runs on it: none (not yet called), pending (its first, eager step done), fused (the whole
    step compiled, optimizer included) or unfused (the model alone compiled), with step_reason
    saying why (empty unless unfused)."""
    if not isinstance(model, CompiledModel):
        raise CommandError(f"Not a compiled model: {ctx.store.name_of(model)} (torch::compile "
                           "makes one)", "WRONG_KIND")
    info = model.info()
    seconds = info["first_call_seconds"]
    return {**info, "first_call_seconds": None if seconds is None else f"{seconds:.3f}"}
