"""torch::train_step on a torch::compile handle: the whole training step compiled, not the model
alone.

Compiling only the model leaves most of a small model's step eager: autograd's engine running the
compiled backward, and the optimizer's update, which makes several passes over every parameter.
Measured (`make bench`), such a step is slower than eager PyTorch. Here torch.compile gets one
function: the forward pass (under autocast when asked), the loss, its gradients through
torch.autograd.grad (so the backward pass is part of the same graph, with no autograd engine at
run time) and the optimizer's own step function, which Dynamo traces as it does when
torch.compile is given `optimizer.step`. Inductor then fuses the update into the kernels that
compute the gradients. Nothing is reimplemented: the model, the loss, the gradients and the update
are PyTorch's.

Dynamo traces torch.autograd.grad only with its config trace_autograd_ops, an opt-in: it is set
while the fused step's functions run, and only then (a guard that fails at any call compiles
again, so every call sets it); a torch without that setting takes unfused steps. Dynamo's config
values are context variables: setting one does not reach other threads. Dynamo refuses, at
compile time, gradients that would have to go through autograd history made outside the
function; here no input of it requires grad (such a step runs unfused), and the parameters are
leaves, checked at each step to be the same ones. Measured against torch.func.grad with
functional_call (the earlier way): 5 to 7 % faster steps, half the guards, and a shorter compile.

With a GradScaler, whether the update runs depends on the inf/NaN check, a decision made on the
host. So the scaled gradients are one compiled function, the scaler's real step (unscale, check)
and update run eagerly, and the optimizer step the scaler calls is a second compiled function.

The first step of each setup runs eagerly (on the uncompiled model): it creates the optimizer's
state and the scaler's scale, which the compiled function then finds in place, and it shows
whether every parameter gets a gradient. A learning rate is a float, which Dynamo would bake into
the code (a scheduler would force a compile at every step): while the compiled function runs,
each param group's lr is a 0-d tensor holding the same value, as PyTorch advises for compiled
optimizers, and it is the float again afterwards.
"""

from __future__ import annotations

import contextlib
import inspect
import time

import torch
from torch.optim import optimizer as torch_optimizer

from .compile import CompiledModel, compiler_errors, own_code, quiet_imports, reason_of

# Why a step cannot be fused: the conditions are checked before anything is compiled, so that a
# setup the fused step would compute differently from eager PyTorch (or, the first, could not
# compile at all) never runs fused.
OLD_DYNAMO = ("this torch's Dynamo cannot trace torch.autograd.grad (it has no "
              "trace_autograd_ops setting)")
NOT_TORCH_OPTIM = "the optimizer is not one of torch.optim's"
HOOKS = "the optimizer has step hooks (the fused step would skip them)"
DIFFERENTIABLE = "the optimizer is differentiable=True"
OTHER_PARAMETERS = "the optimizer does not train exactly the model's trainable parameters"
DISTRIBUTED = ("the model is distributed (its gradients are all-reduced by hooks in autograd's "
               "engine, which the compiled step does not run)")
BACKWARD_HOOKS = ("the model or a parameter has backward hooks (the compiled step does not run "
                  "autograd's engine, which calls them)")
NO_GRADIENT = "some parameters get no gradient from the loss (unused in the forward pass)"
SPARSE = "some gradients are sparse"
# ... and what a script may change between steps, checked at each (16 us right after a step)
GROUPS_CHANGED = "the optimizer's param groups changed"
PARAMETERS_CHANGED = "the model's trainable parameters changed (frozen, or replaced)"


def _has_hooks(optimizer):
    return bool(optimizer._optimizer_step_pre_hooks or optimizer._optimizer_step_post_hooks or
                torch_optimizer._global_optimizer_pre_hooks or
                torch_optimizer._global_optimizer_post_hooks)


def _why_not(model, optimizer):
    """Why this model and optimizer cannot take a fused step (a sentence), or None."""
    if not hasattr(torch._dynamo.config, "trace_autograd_ops"):
        return OLD_DYNAMO
    if not type(optimizer).__module__.startswith("torch.optim."):
        return NOT_TORCH_OPTIM
    if _has_hooks(optimizer):
        return HOOKS
    if optimizer.defaults.get("differentiable"):
        return DIFFERENTIABLE
    trained = {id(p) for group in optimizer.param_groups for p in group["params"]}
    if trained != {id(p) for p in model.parameters() if p.requires_grad}:
        return OTHER_PARAMETERS
    modules = list(model.modules())
    if any(type(m).__module__.startswith(("torch.nn.parallel", "torch.distributed"))
           for m in modules):
        return DISTRIBUTED
    if any(_tensor_hooks(p) for p in model.parameters()):
        return BACKWARD_HOOKS
    return _module_hooks(modules)


def _tensor_hooks(p):
    """Whether a parameter has hooks autograd's engine would call."""
    return bool(p._backward_hooks or p._post_accumulate_grad_hooks)


def _module_hooks(modules):
    """BACKWARD_HOOKS if a module has backward hooks (or every module has: global ones)."""
    hooks = torch.nn.modules.module
    if hooks._global_backward_hooks or hooks._global_backward_pre_hooks or any(
            module._backward_hooks or module._backward_pre_hooks for module in modules):
        return BACKWARD_HOOKS
    return None


def loss_of(forward, loss, dtype, input, target):
    """loss(forward(input), target), under autocast in dtype unless it is None (torch::train_step's
    eager step and the fused one alike)."""
    # (no context at all without autocast: a nullcontext is three Python calls a step)
    if dtype is None:
        return loss(forward(input), target)
    with torch.autocast(input.device.type, dtype=dtype):
        return loss(forward(input), target)


def compile_options(settings, params):
    """torch.compile's arguments for the step's functions: the handle's mode, backend and dynamic
    setting, as one graph. With inductor and every parameter on the CPU, the code that calls the
    generated kernels (inductor's wrapper) is C++ too (its cpp_wrapper option, on top of what the
    mode sets) instead of Python: the same kernels, so the same results, and steps 1 to 4.5 %
    faster on the bench's MLP for about 0.5 s more of compiling (measured; docs/compile.md). Its
    code for CUDA is not tested here, so a step on a GPU keeps the Python wrapper."""
    mode = settings["mode"]
    options = {"backend": settings["backend"], "dynamic": settings["dynamic"], "fullgraph": True}
    if settings["backend"] != "inductor" or any(p.device.type != "cpu" for p in params):
        return {**options, "mode": None if mode == "default" else mode}
    from torch import _inductor
    return {**options, "options": {**_inductor.list_mode_options(mode, settings["dynamic"]),
                                   "cpp_wrapper": True}}


class _Changed(Exception):
    """The setup changed under the fused step: it runs unfused from now on (the message: why)."""


class FusedStep:
    """A compiled training step for one setup: a model, an optimizer, a loss function, a scaler
    (or None) and an autocast dtype (or None)."""

    def __init__(self, compiled: CompiledModel, optimizer, loss, scaler, dtype):
        self.compiled = compiled
        self.model = compiled._orig_mod
        self.optimizer, self.scaler, self.loss, self.dtype = optimizer, scaler, loss, dtype
        self.reason = _why_not(self.model, optimizer)
        # pending (its eager first step to come), warm (done: the next compiles), fused, unfused
        self.state = "unfused" if self.reason else "pending"
        self._stepped = False        # the compiled optimizer step has run (with a scaler)
        self._lrs = [torch.zeros((), dtype=torch.float64) for _ in optimizer.param_groups]
        self._lr_values = [None] * len(self._lrs)     # what each of _lrs holds
        if self.reason is None:
            self._compile(compiled.settings, loss, dtype)

    def _compile(self, settings, loss, dtype):
        model, optimizer = self.model, self.optimizer
        params = self.params = [p for p in model.parameters() if p.requires_grad]
        # where each trained parameter lives (a tied one, in each place): changed(), below
        self._modules = list(model.modules())
        self._places = [(module._parameters, name, p) for module in self._modules
                        for name, p in module._parameters.items()
                        if p is not None and p.requires_grad]
        self._sizes = [len(group["params"]) for group in optimizer.param_groups]
        # the step itself, without the wrappers torch.optim puts around it: hooks (there are
        # none, _why_not saw to it) and a grad-mode switch that Dynamo turns into a graph break
        step = inspect.unwrap(type(optimizer).step)
        steps = self.scaler is None          # else the scaler calls the step (stepping below)

        def gradients_and_step(input, target, scale):
            with torch.enable_grad():
                value = loss_of(model, loss, dtype, input, target)
                # (GradScaler.scale is this product, which Dynamo does not trace into)
                found = torch.autograd.grad(value if scale is None else value * scale, params)
            for p, g in zip(params, found, strict=True):
                p.grad.copy_(g)
            if steps:
                step(optimizer)
            return value.detach()

        options = compile_options(settings, params)
        self._gradients_and_step = torch.compile(own_code(gradients_and_step), **options)
        self._step = torch.compile(own_code(lambda: step(optimizer)), **options)

    @property
    def ready(self):
        """Whether the next step runs fused (not before an eager first step)."""
        return self.state in ("warm", "fused")

    def warmed_up(self):
        """After the eager first step: fused from the next step on, if every parameter got a
        dense gradient."""
        if self.state != "pending":
            return
        grads = [p.grad for p in self.params]
        if any(g is None for g in grads):
            self.give_up(NO_GRADIENT)
        elif any(g.is_sparse for g in grads):
            self.give_up(SPARSE)
        else:
            self.state = "warm"

    def give_up(self, reason):
        self.state, self.reason = "unfused", reason

    @staticmethod
    def errors():
        """What run() raises when the step cannot run fused (before anything has run)."""
        return (*compiler_errors(), _Changed)

    def failed(self, error, ctx):
        """run() raised `error`, and the step then ran unfused: unfused from now on. A compiler
        failure says so on stderr (once: this step is not fused again)."""
        if isinstance(error, _Changed):
            self.give_up(str(error))
            return
        self.give_up(reason_of(error))
        ctx.write_stderr(f"torchtcl: torch::train_step: {ctx.store.name_of(self.compiled)} "
                         f"takes unfused steps from now on: {self.reason}\n")

    def changed(self):
        """What changed in the setup since it was checked, so that a fused step would no longer
        compute what an eager one does (a sentence), or None."""
        optimizer = self.optimizer
        if _has_hooks(optimizer):
            return HOOKS
        if [len(group["params"]) for group in optimizer.param_groups] != self._sizes:
            return GROUPS_CHANGED
        for where, name, p in self._places:
            if where.get(name) is not p or not p.requires_grad:
                return PARAMETERS_CHANGED
            if _tensor_hooks(p):
                return BACKWARD_HOOKS
        return _module_hooks(self._modules)

    def _call(self, function, first, *args):
        """function(*args) under no_grad, with each param group's float lr a 0-d tensor meanwhile
        and Dynamo tracing torch.autograd.grad (see the module's docstring): any call may
        compile, the first and a recompile alike. `first`: its first call."""
        groups, tensors, values = self.optimizer.param_groups, self._lrs, self._lr_values
        config = torch._dynamo.config
        traced, floats = config.trace_autograd_ops, []
        try:
            for i, group in enumerate(groups):
                lr = group["lr"]
                floats.append(lr)
                if isinstance(lr, (float, int)):      # (a tensor lr is left as it is)
                    if lr != values[i]:
                        tensors[i].fill_(lr)
                        values[i] = lr
                    group["lr"] = tensors[i]
            config.trace_autograd_ops = True
            with torch.no_grad(), quiet_imports() if first else contextlib.nullcontext():
                return function(*args)
        finally:
            config.trace_autograd_ops = traced
            for group, lr in zip(groups, floats, strict=False):   # (those it changed)
                group["lr"] = lr

    def run(self, input, target):
        """The step's loss: the gradients (and without a scaler, the optimizer's step) in one
        compiled function; None when this step must run unfused (an input that requires grad:
        eager backward gives it a gradient too). Raises what torch.compile raises when it
        cannot compile (before anything has run: fullgraph), or _Changed when the setup changed
        since the last step."""
        if input.requires_grad or target.requires_grad:
            return None
        reason = self.changed()
        if reason is not None:
            raise _Changed(reason)
        for p in self.params:
            p.grad = torch.empty_like(p)
        scale = None
        if self.scaler is not None and self.scaler.torch.is_enabled():
            scale = self.scaler.torch._scale      # the scale tensor GradScaler.scale multiplies
        first = self.state == "warm"
        started = time.perf_counter()
        try:
            value = self._call(self._gradients_and_step, first, input, target, scale)
        except BaseException as error:
            for p in self.params:
                p.grad = None      # not the empty ones above: as a failed eager step leaves them
            if isinstance(error, Exception) and not isinstance(error, self.errors()):
                self._raise_as_eager(input, target)
            raise
        self.state = "fused"
        if first:
            self.compiled.compiled_once(time.perf_counter() - started)
        return value

    def _raise_as_eager(self, input, target):
        """The compiled step failed as it ran, on a bad input (a class index out of range, say):
        its message is the generated code's (an index check in C++). The eager forward pass and
        loss, without gradients, raise PyTorch's own error for the same input, from here."""
        with torch.no_grad():
            loss_of(self.model, self.loss, self.dtype, input, target)

    @contextlib.contextmanager
    def stepping(self, ctx):
        """While the scaler steps: the optimizer's step it calls is the compiled one. A compiler
        failure there (before the update has run) gives the eager step, and no fusing after."""
        optimizer, own = self.optimizer, self.optimizer.__dict__.get("step")
        eager = optimizer.step

        def compiled_step(*args, **kwargs):
            if args or kwargs or self.state != "fused":
                return eager(*args, **kwargs)
            try:
                self._call(self._step, not self._stepped)
                self._stepped = True
            except self.errors() as e:
                result = eager()
                self.failed(e, ctx)
                return result
            return None

        optimizer.step = compiled_step
        try:
            yield
        finally:
            if own is None:
                del optimizer.step
            else:
                optimizer.step = own


def fused_step(model, optimizer, loss, scaler, dtype):
    """The FusedStep of a torch::compile handle for this setup (the handle keeps the last one:
    a new setup compiles anew), or None for an uncompiled model or one that fell back."""
    if not isinstance(model, CompiledModel) or model.status == "fallback":
        return None
    fused = model.__dict__.get("_fused")
    if fused is None or (fused.optimizer, fused.loss, fused.scaler, fused.dtype) != \
            (optimizer, loss, scaler, dtype):
        fused = FusedStep(model, optimizer, loss, scaler, dtype)
        model.__dict__["_fused"] = fused
    return fused
