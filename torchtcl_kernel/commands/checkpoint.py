"""Checkpoints: saving and loading models, optimizers, schedulers and scalers (the spec's
checkpoint_io family), and freezing / unfreezing a model's parameters.

Three promises hold for every file these commands touch:

* loading never runs code from the file: it is read with torch.load(weights_only=True), which
  accepts tensors and plain data only (a file that holds other Python objects is refused);
* loading is all or nothing: the whole file is read and every part of it checked against the
  model, optimizer, scheduler and scaler it goes into (keys, shapes, dtypes, classes) before any
  of them changes; a bad file (truncated, corrupt, another architecture) leaves them as they were;
* saving is atomic: the file is written beside its destination under a temporary name and moved
  over it when complete, so a save that fails leaves the previous file intact.

What a file holds: save_state_dict with a model alone writes PyTorch's plain `state_dict()`, which
any PyTorch program loads with `model.load_state_dict(torch.load(path))`. A torch::compile handle's
state is its original model's (without torch.compile's `_orig_mod.` prefix), so a file saved from
either loads into both. Everything else is one
dict with a `format` entry: the model's state dict, and on request the optimizer's, the LR
scheduler's, the grad scaler's and the random number generators' states, plus the training
metadata (epoch, loss, lr) of save_checkpoint.
"""

import copy
import os
import pickle
import re
import warnings

import torch

from ..core.errors import CommandError, strip_cpp
from ..core.registry import Family, param
from ..core.types import BOOL, FLOAT, INT, MODULE, STRING
from .amp import SCALER
from .common import optimizer_param, replacing
from .compile import unwrapped
from .schedulers import SCHEDULER

checkpoints = Family("checkpoint", missing="Required parameter missing: {option}")

FORMAT = "torchtcl-checkpoint"
VERSION = 1

# --- the parameters ------------------------------------------------------------------------------
MODEL = param("model", MODULE, invalid="Model not found")
MODULE_P = param("module", MODULE, aliases=("model",), invalid="Module not found")
FILENAME = param("filename", STRING, aliases=("file", "path"), check=bool,
                 check_msg="Required parameter missing: {option} (an empty file name)")
OPTIMIZER = optimizer_param(invalid="Optimizer not found")
OPTIONAL_OPTIMIZER = optimizer_param(invalid="Optimizer not found", default=None)
SCHEDULER_P = param("scheduler", SCHEDULER, None, aliases=("lr_scheduler",),
                    invalid="Scheduler not found")
SCALER_P = param("scaler", SCALER, None, aliases=("grad_scaler",),
                 invalid="Gradient scaler not found")
SAVE_RNG = param("rng", BOOL, False, aliases=("save_rng",))
LOAD_RNG = param("rng", BOOL, True, aliases=("restore_rng",))
EXTRAS_SAVE = (OPTIONAL_OPTIMIZER, SCHEDULER_P, SCALER_P, SAVE_RNG)
EXTRAS_LOAD = (OPTIONAL_OPTIMIZER, SCHEDULER_P, SCALER_P, LOAD_RNG)


def _number(value):
    """A float as Tcl shows it (0.001, 5.0)."""
    return repr(float(value))


# --- writing: a temporary file beside the destination, then os.replace ---------------------------
def _write(path, obj):
    """torch.save(obj) to path atomically: a failure at any point leaves the old file as it was
    and no temporary file behind."""
    with replacing(path, path) as tmp:
        try:
            with open(tmp, "wb") as f:
                torch.save(obj, f)
                f.flush()
                os.fsync(f.fileno())
        except OSError:
            raise
        except Exception as e:
            raise CommandError(f"Cannot save {path}: {_first_line(e, 'failed')}", "IO") \
                from None
    directory = os.path.dirname(os.path.abspath(path))
    try:                                       # the rename itself survives a power cut
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


# --- reading: weights_only, every failure a clean error -------------------------------------------
def _read(path, not_found, mmap=False):
    """The file's content, loaded without running code from it (tensors on the CPU)."""
    if not os.path.isfile(path):
        raise CommandError(not_found, "NOT_FOUND")
    try:
        with warnings.catch_warnings():
            # a pickle of a newer protocol than torch.save's: read (or refused) all the same
            warnings.filterwarnings("ignore", "Detected pickle protocol")
            return torch.load(path, map_location="cpu", weights_only=True, mmap=mmap)
    except pickle.UnpicklingError as e:
        # torch's weights-only unpickler refuses any global it does not know (a function to
        # call, a class to build): that is how a pickle runs code
        refused = re.search(r"GLOBAL ([\w.]+)", str(e))
        if refused:
            raise CommandError(f"Refusing to load {path}: it holds Python objects other than "
                               "tensors and plain data, and loading them could run code "
                               f"(it calls for {refused.group(1)})", "UNSAFE") from None
        raise CommandError(f"Cannot read {path}: the file is truncated or corrupt, or holds "
                           f"what the safe loader does not read ({_reason(str(e))})",
                           "CORRUPT") from None
    except Exception as e:
        if mmap:                               # a legacy (non-zip) file cannot be mapped
            return _read(path, not_found)
        raise CommandError(f"Cannot read {path}: the file is truncated or corrupt, or not a "
                           f"PyTorch file ({_first_line(e, 'empty or unreadable')})",
                           "CORRUPT") from None


def _first_line(error, otherwise):
    text = strip_cpp(str(error)).strip()
    return text.splitlines()[0][:200] if text else otherwise


def _reason(text):
    """The line of torch's long unpickling message that says what it could not read."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return next((line for line in lines if not line.startswith(
        ("Weights only", "Please file", "Check the documentation", "In PyTorch"))),
        "unsupported content")[:200]


def _is_state_dict(obj):
    return isinstance(obj, dict) and all(isinstance(k, str) for k in obj) and \
        all(isinstance(v, torch.Tensor) for v in obj.values())


def _bundle(obj, path):
    """The file's content as this module's layout: a dict with "model" and optionally
    "optimizer", "scheduler", "scaler", "rng", "module" (save_state's extras) and metadata. A
    plain state dict, and the usual PyTorch layout {"model_state_dict", "optimizer_state_dict",
    "epoch", "loss"}, are read too."""
    if isinstance(obj, dict) and obj.get("format") == FORMAT:
        if not isinstance(obj.get("version"), int) or obj["version"] > VERSION:
            raise CommandError(f"Cannot read {path}: written by a newer version of this "
                               "program", "CORRUPT")
        if not isinstance(obj.get("model"), dict):
            raise CommandError(f"Cannot read {path}: it holds no model state", "CORRUPT")
        return obj
    if isinstance(obj, dict) and isinstance(obj.get("model_state_dict"), dict):
        bundle = {"model": obj["model_state_dict"]}
        if isinstance(obj.get("optimizer_state_dict"), dict):
            bundle["optimizer"] = {"state_dict": obj["optimizer_state_dict"]}
        for key in ("epoch", "loss", "lr"):
            if isinstance(obj.get(key), (int, float)):
                bundle[key] = obj[key]
        return bundle
    if _is_state_dict(obj):
        return {"model": obj}
    raise CommandError(f"Cannot read {path}: it is not a model state or checkpoint file",
                       "CORRUPT")


# --- what is saved ---------------------------------------------------------------------------
def _rng_state():
    state = {"cpu": torch.get_rng_state()}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def _module_extras(model):
    """What a state dict leaves out: non-persistent buffers, each submodule's training mode and
    each parameter's requires_grad."""
    persistent = model.state_dict().keys()
    return {"buffers": {n: b for n, b in model.named_buffers() if n not in persistent},
            "training": {n: m.training for n, m in model.named_modules()},
            "requires_grad": {n: p.requires_grad for n, p in model.named_parameters()}}


def _contents(model, optimizer, scheduler, scaler, rng, full=False, **metadata):
    model = unwrapped(model)        # a compiled model's file is its original's, names and all
    bundle = {"format": FORMAT, "version": VERSION, "model": model.state_dict(), **metadata}
    if full:
        bundle["module"] = _module_extras(model)
    if optimizer is not None:
        bundle["optimizer"] = {"class": type(optimizer).__name__,
                               "state_dict": optimizer.state_dict()}
    if scheduler is not None:
        bundle["scheduler"] = {"class": type(scheduler.torch).__name__, "kind": scheduler.kind,
                               "state_dict": scheduler.torch.state_dict()}
    if scaler is not None:
        bundle["scaler"] = {"enabled": scaler.torch.is_enabled(),
                            "state_dict": scaler.torch.state_dict(), "updates": scaler.updates}
    if rng:
        bundle["rng"] = _rng_state()
    return bundle


# --- checks before anything changes --------------------------------------------------------------
def _bad(path, what):
    return CommandError(f"Cannot load {path}: {what}", "MISMATCH")


def _names(keys, most=5):
    keys = sorted(keys)
    return ", ".join(keys[:most]) + (f" and {len(keys) - most} more" if len(keys) > most else "")


def _check_tensors(path, what, own, saved):
    """saved (name -> tensor) fits own: the same names, shapes, and dtypes (floating point
    values may change precision, as Module.load_state_dict does)."""
    if not isinstance(saved, dict):
        raise _bad(path, f"its {what} is not a dict")
    missing, unexpected = own.keys() - saved.keys(), saved.keys() - own.keys()
    if missing or unexpected:
        parts = ([f"missing {_names(missing)}"] if missing else []) + \
            ([f"unexpected {_names(unexpected)}"] if unexpected else [])
        raise _bad(path, f"its {what} does not fit (another architecture?): " + "; ".join(parts))
    for name, mine in own.items():
        theirs = saved[name]
        if not isinstance(mine, torch.Tensor):
            continue                          # a module's extra state: its own business
        if not isinstance(theirs, torch.Tensor):
            raise _bad(path, f"{name} in its {what} is not a tensor")
        if theirs.shape != mine.shape:
            raise _bad(path, f"{name} has shape {list(theirs.shape)} in the file, "
                             f"{list(mine.shape)} in the model")
        if theirs.dtype != mine.dtype and not (theirs.is_floating_point()
                                               and mine.is_floating_point()):
            raise _bad(path, f"{name} has dtype {theirs.dtype} in the file, {mine.dtype} in "
                             "the model")


def _check_model(path, model, bundle, full):
    _check_tensors(path, "model state", model.state_dict(), bundle["model"])
    extras = bundle.get("module") if full else None
    if extras is None:
        return
    if not isinstance(extras, dict):
        raise _bad(path, "its module state is not a dict")
    mine = _module_extras(model)
    _check_tensors(path, "buffers", mine["buffers"], extras.get("buffers", {}))
    for key in ("training", "requires_grad"):
        flags = extras.get(key)
        if not isinstance(flags, dict) or flags.keys() != mine[key].keys() or \
                not all(isinstance(v, bool) for v in flags.values()):
            raise _bad(path, f"its {key} flags do not fit the model")


def _part(path, bundle, key, what):
    part = bundle.get(key)
    if not isinstance(part, dict) or not isinstance(part.get("state_dict"), dict):
        raise _bad(path, f"it holds no {what} state")
    return part


def _check_class(path, part, what, actual):
    saved = part.get("class")
    if saved is not None and saved != actual:
        raise _bad(path, f"it holds the state of {what} {saved}, not {actual}")


def _check_optimizer(path, optimizer, part):
    _check_class(path, part, "optimizer", type(optimizer).__name__)
    state_dict = part["state_dict"]
    groups, state = state_dict.get("param_groups"), state_dict.get("state")
    if not isinstance(groups, list) or not isinstance(state, dict) or \
            not all(isinstance(g, dict) and isinstance(g.get("params"), list) for g in groups):
        raise _bad(path, "its optimizer state is malformed")
    if [len(g["params"]) for g in groups] != [len(g["params"]) for g in optimizer.param_groups]:
        raise _bad(path, "its optimizer state is for other parameters (the parameter groups "
                         "differ in number or size)")
    params = {pid: p for g, og in zip(groups, optimizer.param_groups, strict=True)
              for pid, p in zip(g["params"], og["params"], strict=True)}
    factored = isinstance(optimizer, torch.optim.LBFGS)   # flat vectors over all parameters
    for pid, entry in state.items():
        if pid not in params or not isinstance(entry, dict):
            raise _bad(path, "its optimizer state names a parameter the optimizer does not have")
        p, current = params[pid], optimizer.state.get(params[pid], {})
        for key, value in entry.items():
            if not isinstance(value, torch.Tensor) or value.dim() == 0 or factored:
                continue
            mine = current.get(key)
            if isinstance(mine, torch.Tensor):
                fits = mine.shape == value.shape
            else:
                try:
                    fits = torch.broadcast_shapes(value.shape, p.shape) == p.shape
                except RuntimeError:
                    fits = False
            if not fits:
                raise _bad(path, f"the optimizer's {key} has shape {list(value.shape)} for a "
                                 f"parameter of shape {list(p.shape)}")


def _check_scheduler(path, scheduler, part):
    _check_class(path, part, "scheduler", type(scheduler.torch).__name__)
    base_lrs = part["state_dict"].get("base_lrs")
    if isinstance(base_lrs, list) and len(base_lrs) != len(scheduler.optimizer.param_groups):
        raise _bad(path, "its scheduler state is for another number of parameter groups")


def _check_scaler(path, scaler, part):
    state = part["state_dict"]
    if scaler.torch.is_enabled() and not state:
        raise _bad(path, "its grad scaler state is from a disabled scaler")
    for key in ("scale", "growth_factor", "backoff_factor", "growth_interval", "_growth_tracker"):
        if state and not isinstance(state.get(key), (int, float)):
            raise _bad(path, f"its grad scaler state has no number for {key}")


def _check_rng(path, rng):
    if not isinstance(rng, dict) or not isinstance(rng.get("cpu"), torch.Tensor) or \
            rng["cpu"].dtype != torch.uint8 or rng["cpu"].shape != torch.get_rng_state().shape:
        raise _bad(path, "its random number generator state is malformed")


# --- loading: check everything, then apply (undoing what was applied if anything fails) ----------
def _restore(path, bundle, model, optimizer=None, scheduler=None, scaler=None, rng=True,
             full=False):
    model = unwrapped(model)        # (as _contents saved it)
    _check_model(path, model, bundle, full)
    parts = {}
    for key, target, what, check in (("optimizer", optimizer, "optimizer", _check_optimizer),
                                     ("scheduler", scheduler, "LR scheduler", _check_scheduler),
                                     ("scaler", scaler, "grad scaler", _check_scaler)):
        if target is not None:
            parts[key] = _part(path, bundle, key, what)
            check(path, target, parts[key])
    restore_rng = rng and "rng" in bundle
    if restore_rng:
        _check_rng(path, bundle["rng"])

    undo = []
    try:
        if optimizer is not None:
            undo.append((optimizer.load_state_dict, copy.deepcopy(optimizer.state_dict())))
            optimizer.load_state_dict(parts["optimizer"]["state_dict"])
        if scheduler is not None:
            undo.append((scheduler.torch.load_state_dict,
                         copy.deepcopy(scheduler.torch.state_dict())))
            scheduler.torch.load_state_dict(copy.deepcopy(parts["scheduler"]["state_dict"]))
        if scaler is not None:
            part = parts["scaler"]
            undo.append((lambda v: _set_counts(scaler, *v), (scaler.updates, scaler.checked)))
            if scaler.torch.is_enabled():
                undo.append((scaler.torch.load_state_dict, scaler.torch.state_dict()))
                scaler.torch.load_state_dict(part["state_dict"])
            scaler.updates = int(part.get("updates", scaler.updates))
            scaler.checked = False
        with torch.no_grad():
            model.load_state_dict(bundle["model"], strict=True)
            if full and "module" in bundle:
                extras = bundle["module"]
                buffers = dict(model.named_buffers())
                for name, value in extras.get("buffers", {}).items():
                    buffers[name].copy_(value)
                modules = dict(model.named_modules())
                for name, training in extras["training"].items():
                    modules[name].training = training
                for name, p in model.named_parameters():
                    p.requires_grad_(extras["requires_grad"][name])
    except Exception as e:
        for load, state in reversed(undo):
            load(state)
        raise CommandError(f"Cannot load {path}: {_first_line(e, 'an unexpected failure')}",
                           "MISMATCH") from None
    if restore_rng:
        torch.set_rng_state(bundle["rng"]["cpu"])
        cuda = bundle["rng"].get("cuda")
        if cuda and torch.cuda.is_available() and len(cuda) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(cuda)


def _set_counts(scaler, updates, checked):
    scaler.updates, scaler.checked = updates, checked


# --- the commands --------------------------------------------------------------------------------
def _freeze(model, requires_grad):
    for p in model.parameters():
        p.requires_grad_(requires_grad)


FREEZE_ERRORS = {
    "missing_positional": "Wrong number of arguments for positional syntax. Expected: {cmd} model",
    "usage": "Wrong number of arguments for positional syntax. Expected: {cmd} model",
    # the page's text; -model is the only option (and spelling) these commands have
    "no_value": "Missing value for parameter: -model"}


@checkpoints.command("freeze_model", MODEL, errors=FREEZE_ERRORS,
                     returns="Model parameters frozen")
def freeze_model(model):
    """Stops training the model's parameters: requires_grad_(False) on every one of them, so
    backward computes no gradient for them and optimizers leave them as they are. To freeze
    only part of a model, freeze the handles of those layers (a sequential shares them)."""
    _freeze(model, False)
    return "Model parameters frozen"


@checkpoints.command("unfreeze_model", MODEL, errors=FREEZE_ERRORS,
                     returns="Model parameters unfrozen")
def unfreeze_model(model):
    """Trains the model's parameters again: requires_grad_(True) on every one of them."""
    _freeze(model, True)
    return "Model parameters unfrozen"


def _summary(verb, path, bundle):
    return (f"Checkpoint {verb}: {path} (epoch={bundle.get('epoch', 0)}, "
            f"loss={_number(bundle.get('loss', 0.0))}, lr={_number(bundle.get('lr', 0.0))})")


EPOCH = param("epoch", INT, 0)
LOSS = param("loss", FLOAT, 0.0)
LR = param("lr", FLOAT, 0.0, aliases=("learning_rate",))


@checkpoints.command(
    "save_checkpoint", MODEL, OPTIMIZER, FILENAME, EPOCH, LOSS, LR, SCHEDULER_P, SCALER_P,
    SAVE_RNG,
    forms=["model optimizer filename ?epoch? ?loss? ?lr?",
           "filename model optimizer ?epoch? ?loss? ?lr?",
           "model optimizer epoch loss lr filename"],
    returns="Checkpoint saved: FILE (epoch=E, loss=L, lr=R)")
def save_checkpoint(model, optimizer, filename, epoch, loss, lr, scheduler, scaler, rng):
    """Saves everything needed to resume training into one file: the model's and the
    optimizer's state, with -scheduler its LR scheduler's, with -scaler its grad scaler's, with
    -rng 1 the random number generators' (needed for a bit-identical resume when the model uses
    dropout or other randomness), and the epoch, loss and lr given. The file is replaced
    atomically. The positional orders of the other reference pages (filename first; or epoch,
    loss and lr before the filename) are read too."""
    _write(filename, _contents(model, optimizer, scheduler, scaler, rng, epoch=epoch,
                               loss=loss, lr=lr))
    return _summary("saved", filename, {"epoch": epoch, "loss": loss, "lr": lr})


@checkpoints.command(
    "load_checkpoint", FILENAME, MODEL, OPTIMIZER, SCHEDULER_P, SCALER_P, LOAD_RNG,
    forms=["filename model optimizer", "model optimizer filename"],
    errors={"missing": "Required parameters missing: filename, model, and optimizer are required",
            "unknown": "Unknown parameter: {option}. Valid parameters are: -filename/-file, "
                       "-model, -optimizer, -scheduler, -scaler, -rng"},
    returns="Checkpoint loaded: FILE (epoch=E, loss=L, lr=R)")
def load_checkpoint(filename, model, optimizer, scheduler, scaler, rng):
    """Restores a checkpoint of save_checkpoint into the model and the optimizer, and with
    -scheduler / -scaler into the LR scheduler and the grad scaler; the random number generators
    too when the checkpoint holds their state (-rng 0 leaves them alone). Nothing changes unless
    the whole file fits: a truncated file or one from another architecture is an error that
    leaves every handle as it was. Returns the checkpoint's epoch, loss and lr."""
    bundle = _bundle(_read(filename, "Checkpoint file not found"), filename)
    _restore(filename, bundle, model, optimizer, scheduler, scaler, rng)
    return _summary("loaded", filename, bundle)


@checkpoints.command("get_checkpoint_info", FILENAME,
                     errors={"no_value": "Missing value for option {option}"},
                     returns="dict: epoch E loss L learning_rate R")
def get_checkpoint_info(filename):
    """A checkpoint's metadata as a Tcl dict (epoch, loss, learning_rate), read without loading
    it into any model (its tensors are mapped, not read, where the file format allows)."""
    bundle = _bundle(_read(filename, "Checkpoint file not found", mmap=True), filename)
    return ["epoch", str(bundle.get("epoch", 0)), "loss", _number(bundle.get("loss", 0.0)),
            "learning_rate", _number(bundle.get("lr", 0.0))]


@checkpoints.command("save_state", MODULE_P, FILENAME, *EXTRAS_SAVE,
                     forms=["module filename", "filename module"], returns="OK")
def save_state(module, filename, optimizer, scheduler, scaler, rng):
    """Saves the module's complete state: its state dict plus what a state dict leaves out (its
    non-persistent buffers, the training / evaluation mode of each layer, which parameters are
    frozen); with -optimizer, -scheduler, -scaler and -rng 1 their states too. The module's code
    is not saved: load_state restores the state into a module built the same way."""
    _write(filename, _contents(module, optimizer, scheduler, scaler, rng, full=True))
    return "OK"


@checkpoints.command("load_state", MODULE_P, FILENAME, *EXTRAS_LOAD,
                     forms=["module filename", "filename module"], returns="OK")
def load_state(module, filename, optimizer, scheduler, scaler, rng):
    """Restores what save_state saved into the module (and the optimizer, scheduler and scaler
    given), all or nothing; a plain state dict file restores the parameters and buffers."""
    bundle = _bundle(_read(filename, f"File not found: {filename}"), filename)
    _restore(filename, bundle, module, optimizer, scheduler, scaler, rng, full=True)
    return "OK"


@checkpoints.command("save_state_dict", MODEL, FILENAME, *EXTRAS_SAVE,
                     forms=["model filename", "filename model"],
                     returns="Model state dict saved to: FILE")
def save_state_dict(model, filename, optimizer, scheduler, scaler, rng):
    """Saves the model's parameters and buffers: with the model alone, PyTorch's plain
    state_dict(), which PyTorch code loads with model.load_state_dict(torch.load(file)); with
    -optimizer, -scheduler, -scaler or -rng 1, their states beside it."""
    if optimizer is None and scheduler is None and scaler is None and not rng:
        _write(filename, unwrapped(model).state_dict())
    else:
        _write(filename, _contents(model, optimizer, scheduler, scaler, rng))
    return f"Model state dict saved to: {filename}"


@checkpoints.command("load_state_dict", MODEL, FILENAME, *EXTRAS_LOAD,
                     forms=["model filename", "filename model"],
                     returns="Model state dict loaded from: FILE")
def load_state_dict(model, filename, optimizer, scheduler, scaler, rng):
    """Loads parameters and buffers into the model, strictly (the same names and shapes) and all
    or nothing: from a plain PyTorch state dict file, or the model part of a save_state /
    save_checkpoint file (with -optimizer, -scheduler, -scaler their parts too)."""
    bundle = _bundle(_read(filename, f"File not found: {filename}"), filename)
    _restore(filename, bundle, model, optimizer, scheduler, scaler, rng)
    return f"Model state dict loaded from: {filename}"

