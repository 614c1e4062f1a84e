"""Vision: resizing and sampling images, pixel shuffles, boxes (IoU, NMS) and regions of interest.

Resizing, sampling grids and the pixel and channel shuffles are one call each of
torch.nn.functional. The box and region operations (box_iou, nms, roi_align, roi_pool) are
torchvision's, whose compiled operators do not load with this project's PyTorch build: they are
written here with plain torch operations, following torchvision's documented semantics (boxes as
x1 y1 x2 y2 corners; see each command).
"""

import inspect

import torch
import torch.nn.functional as F

from ..core.errors import CommandError
from ..core.registry import UNKNOWN_LISTED, Family, param
from ..core.types import BOOL, FLOAT, FLOATS, INT, INTS, NUMBERS, TENSOR, Choice
from .common import positive, tensor_input

vision = Family("vision")

# --- parameters several commands share --------------------------------------------------------
INPUT = tensor_input(label="input", invalid="Invalid input tensor")      # -input / -tensor
ALIGN_CORNERS = param("align_corners", BOOL, False)
SCALE_FACTOR = param("scale_factor", FLOATS, None)
BOXES = param("boxes", TENSOR, invalid="Invalid boxes tensor")
ROI_SIZE = param("output_size", INTS, label="output_size")
SPATIAL_SCALE = param("spatial_scale", FLOAT, 1.0, invalid="Invalid spatialScale value")

# The modes whose corners may be aligned (F.interpolate refuses align_corners for the others).
_INTERPOLATING = {"linear", "bilinear", "bicubic", "trilinear"}


def _resize(input, size, scale_factor, mode, align_corners=False, antialias=False,
            size_option="-size"):
    """F.interpolate with the checks the pages share: exactly one of a size and scale factors;
    align_corners only where the mode interpolates (the pages: ignored for the others)."""
    if not size:
        size = None
    if not scale_factor:
        scale_factor = None
    if size is None and scale_factor is None:
        raise CommandError(f"Either {size_option} or -scale_factor must be given", "MISSING")
    if size is not None and scale_factor is not None:
        raise CommandError(f"Give either {size_option} or -scale_factor, not both")
    return F.interpolate(
        input, size=None if size is None else list(size),
        scale_factor=None if scale_factor is None else list(scale_factor), mode=mode,
        align_corners=align_corners if mode in _INTERPOLATING else None, antialias=antialias)


# --- resizing -------------------------------------------------------------------------------------
@vision.command("interpolate", INPUT, param("size", INTS, None),
                param("mode", Choice("nearest", "linear", "bilinear", "bicubic", "trilinear",
                                     "area", "nearest-exact"), "nearest"),
                ALIGN_CORNERS, SCALE_FACTOR,
                forms=["input ?size? ?mode? ?align_corners? ?scale_factor?"],
                returns="tensor handle")
def interpolate(input, size, mode, align_corners, scale_factor):
    """Resizes the spatial dimensions of a (N, C, L), (N, C, H, W) or (N, C, D, H, W) tensor
    (torch.nn.functional.interpolate), to -size or by -scale_factor (exactly one of them; an
    empty size counts as none, so the positional syntax can pass `{}` and scale factors).
    align_corners applies to the linear modes only and is ignored for nearest and area, as the
    reference page says (PyTorch itself would refuse it)."""
    return _resize(input, size, scale_factor, mode, align_corners)


@vision.command("resize_image", tensor_input(label="image", aliases=("tensor", "image"),
                                             invalid="Invalid input tensor"),
                param("size", INTS), param("mode", Choice("nearest", "bilinear", "bicubic"),
                                           "bilinear"),
                ALIGN_CORNERS, returns="tensor handle")
def resize_image(input, size, mode, align_corners):
    """Resizes a batch of images (N, C, H, W) to size {height width}
    (torch.nn.functional.interpolate), bilinear by default; align_corners is ignored for
    nearest."""
    if input.dim() != 4:
        raise CommandError("resize_image needs a 4-D tensor (batch, channels, height, width), "
                           f"got {input.dim()}-D")
    if len(size) != 2:
        raise CommandError(f"Invalid size: {{{' '.join(map(str, size))}}} (it must be two "
                           "integers, {height width})")
    return _resize(input, size, None, mode, align_corners)


def _size_or_scale(size, scale_factor):
    """upsample_bilinear's size slot: integers are a size, a list with any double in it is scale
    factors (the page's positional syntax tells them apart that way)."""
    if size is None:
        return None, scale_factor
    items = size if isinstance(size, list) else [size]
    if any(isinstance(v, list) for v in items):
        raise CommandError("Invalid output_size: expected a flat list of numbers")
    if any(isinstance(v, float) for v in items):
        if scale_factor is not None:
            raise CommandError("Give either -output_size or -scale_factor, not both")
        return None, tuple(float(v) for v in items)
    return tuple(int(v) for v in items), scale_factor


@vision.command("upsample_bilinear", INPUT,
                param("output_size", NUMBERS, None, aliases=("size",), label="size"),
                SCALE_FACTOR, ALIGN_CORNERS, param("antialias", BOOL, False),
                forms=["input size ?align_corners? ?antialias?"], returns="tensor handle")
def upsample_bilinear(input, output_size, scale_factor, align_corners, antialias):
    """Bilinear resizing of a (N, C, H, W) tensor (torch.nn.functional.interpolate, mode
    bilinear) to -output_size {height width} or by -scale_factor {sh sw}. In the size slot, a list
    of integers is a size and a list with a double in it ({2.0 2.0}) is scale factors."""
    size, scale = _size_or_scale(output_size, scale_factor)
    return _resize(input, size, scale, "bilinear", align_corners, antialias,
                   size_option="-output_size")


@vision.command("upsample_nearest", INPUT, param("size", INTS, None), SCALE_FACTOR,
                forms=["input ?size?"], returns="tensor handle")
def upsample_nearest(input, size, scale_factor):
    """Nearest-neighbour resizing of a (N, C, L), (N, C, H, W) or (N, C, D, H, W) tensor
    (torch.nn.functional.interpolate, mode nearest), to -size or by -scale_factor: one value
    per spatial dimension."""
    return _resize(input, size, scale_factor, "nearest")


# --- sampling grids -------------------------------------------------------------------------------
@vision.command("affine_grid", param("theta", TENSOR, invalid="Invalid theta tensor"),
                param("size", INTS), ALIGN_CORNERS, returns="tensor handle",
                errors={"missing": "Required parameters: theta, size"})
def affine_grid(theta, size, align_corners):
    """The sampling grid of a batch of affine maps (torch.nn.functional.affine_grid): theta
    (N, 2, 3) and size {N C H W} give a (N, H, W, 2) grid; theta (N, 3, 4) and {N C D H W} a
    (N, D, H, W, 3) one. Feed it to torch::grid_sample."""
    return F.affine_grid(theta, list(size), align_corners=align_corners)


@vision.command("grid_sample", INPUT, param("grid", TENSOR, invalid="Invalid grid tensor"),
                param("mode", Choice("bilinear", "nearest"), "bilinear",
                      invalid="Invalid mode: {value}. Valid modes are: bilinear, nearest"),
                param("padding_mode", Choice("zeros", "border", "reflection"), "zeros",
                      invalid="Invalid padding_mode: {value}. "
                              "Valid modes are: zeros, border, reflection"),
                param("align_corners", BOOL, False,
                      invalid="Invalid align_corners parameter: must be integer"),
                returns="tensor handle",
                errors={"missing": "Required parameters missing: input and grid tensors "
                                   "required"})
def grid_sample(input, grid, mode, padding_mode, align_corners):
    """Samples the input at the grid's points (torch.nn.functional.grid_sample): input
    (N, C, H, W) and grid (N, H_out, W_out, 2) of (x, y) in [-1, 1] give (N, C, H_out, W_out);
    5-D inputs take a (N, D, H, W, 3) grid. Points outside follow padding_mode."""
    return F.grid_sample(input, grid, mode=mode, padding_mode=padding_mode,
                         align_corners=align_corners)


# --- rearranging pixels and channels --------------------------------------------------------------
def shuffle(name, op, factor, doc, check_msg):
    """A command `name input factor` calling op(input, factor)."""
    def body(*args, **kw):          # (input, factor), by position or by name
        bound = body.__signature__.bind(*args, **kw)
        return op(*bound.args)
    body.__doc__ = doc
    # the registry reads the parameter names off the signature (the fast path calls by position)
    body.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in ("input", factor)])
    vision.command(name, INPUT,
                   param(factor, INT, aliases=("factor",), check=positive, check_msg=check_msg),
                   returns="tensor handle")(body)


shuffle("pixel_shuffle", F.pixel_shuffle, "upscale_factor",
        "Moves channel blocks into space (torch.nn.functional.pixel_shuffle): (*, C r^2, H, W) "
        "becomes (*, C, H r, W r) for the upscale factor r.",
        "Upscale factor must be positive")
shuffle("pixel_unshuffle", F.pixel_unshuffle, "downscale_factor",
        "Moves r x r pixel blocks into channels (torch.nn.functional.pixel_unshuffle), the "
        "inverse of pixel_shuffle: (*, C, H r, W r) becomes (*, C r^2, H, W).",
        "Downscale factor must be positive")

_SHUFFLE_MISSING = "Required parameters missing: input tensor and groups (> 0) required"


@vision.command("channel_shuffle", INPUT,
                param("groups", INT, check=positive, check_msg=_SHUFFLE_MISSING),
                returns="tensor handle",
                errors={"missing": _SHUFFLE_MISSING, "unknown": UNKNOWN_LISTED,
                        "missing_positional": "Usage: torch::channel_shuffle input groups | "
                        "torch::channelShuffle -input tensor -groups num_groups"})
def channel_shuffle(input, groups):
    """Interleaves the channels of groups (torch.nn.functional.channel_shuffle, as in
    ShuffleNet): the C channels, seen as groups x C/groups, are transposed to C/groups x groups.
    groups must divide C."""
    return F.channel_shuffle(input, groups)


# --- normalizing images ---------------------------------------------------------------------------
IMAGE = param("image", TENSOR, aliases=("tensor",), invalid="Invalid image tensor")
MEAN = param("mean", TENSOR, invalid="Invalid mean tensor")
STD = param("std", TENSOR, invalid="Invalid std tensor")
INPLACE = param("inplace", BOOL, False)


def _handle_of(ctx, tensor):
    """The input's own handle, for an in-place result (the same name, not a new one)."""
    return next((h for h in ctx.store.handles.values() if h.obj is tensor), tensor)


@vision.command("normalize_image", IMAGE, MEAN, STD, INPLACE, returns="tensor handle")
def normalize_image(ctx, image, mean, std, inplace):
    """(image - mean) / std, mean and std broadcasting against the image (a {C 1 1} tensor
    gives per-channel values). With inplace true the image tensor itself changes and its own
    handle is returned."""
    if inplace:
        image.sub_(mean).div_(std)
        return _handle_of(ctx, image)
    return (image - mean) / std


@vision.command("denormalize_image", IMAGE, MEAN, STD, INPLACE, returns="tensor handle",
                errors={"missing": "Required parameters missing: -mean, -std"})
def denormalize_image(ctx, image, mean, std, inplace):
    """image * std + mean, undoing normalize_image (mean and std broadcast against the image).
    With inplace true the image tensor itself changes and its own handle is returned."""
    if inplace:
        image.mul_(std).add_(mean)
        return _handle_of(ctx, image)
    return image * std + mean


# --- boxes ----------------------------------------------------------------------------------------
def _boxes(boxes, what="boxes"):
    """(N, 4) x1 y1 x2 y2 rows; a flat tensor of 4N numbers is read as N boxes (the nms page
    makes its boxes that way)."""
    if boxes.dim() == 1 and boxes.numel() % 4 == 0:
        return boxes.view(-1, 4)
    if boxes.dim() != 2 or boxes.shape[1] != 4:
        raise CommandError(f"Invalid {what}: expected a (N, 4) tensor of x1 y1 x2 y2 rows, got "
                           f"shape {list(boxes.shape)}")
    return boxes


def _iou(a, b):
    """The (N, M) IoU matrix of (N, 4) and (M, 4) corner boxes."""
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    top_left = torch.max(a[:, None, :2], b[None, :, :2])
    bottom_right = torch.min(a[:, None, 2:], b[None, :, 2:])
    wh = (bottom_right - top_left).clamp(min=0)
    inter = wh[..., 0] * wh[..., 1]
    return inter / (area_a[:, None] + area_b[None, :] - inter)


@vision.command("box_iou", param("boxes1", TENSOR, invalid="Invalid boxes1 tensor"),
                param("boxes2", TENSOR, invalid="Invalid boxes2 tensor"),
                returns="tensor handle")
def box_iou(boxes1, boxes2):
    """The intersection over union of every pair of boxes: (N, 4) and (M, 4) boxes given as
    x1 y1 x2 y2 (x2 >= x1, y2 >= y1; a flat tensor of 4N numbers also does) give an (N, M)
    matrix, as torchvision.ops.box_iou does (written with torch operations here: torchvision's
    compiled operators do not load with this PyTorch build)."""
    return _iou(_boxes(boxes1, "boxes1"), _boxes(boxes2, "boxes2"))


@vision.command("nms", BOXES, param("scores", TENSOR, invalid="Invalid scores tensor"),
                param("iou_threshold", FLOAT, check=lambda v: 0.0 <= v <= 1.0,
                      check_msg="Invalid iou_threshold: {value} (it must be between 0.0 and 1.0)"),
                param("score_threshold", FLOAT, 0.0), aliases=("Nms",), returns="tensor handle")
def nms(boxes, scores, iou_threshold, score_threshold):
    """Non-maximum suppression: the indices (an int64 tensor) of the boxes kept, by decreasing
    score. Boxes (N, 4) are x1 y1 x2 y2 (a flat tensor of 4N numbers is read as N boxes), with
    one score each; boxes scoring below score_threshold
    are dropped first, then each box in score order removes the later ones whose IoU with it
    exceeds iou_threshold. The same as torchvision.ops.nms (written with torch operations here:
    torchvision's compiled operators do not load with this PyTorch build)."""
    boxes = _boxes(boxes)
    if scores.dim() != 1 or scores.shape[0] != boxes.shape[0]:
        raise CommandError(f"Boxes and scores do not match: {boxes.shape[0]} boxes but scores "
                           f"of shape {list(scores.shape)}")
    with torch.no_grad():
        candidates = torch.nonzero(scores >= score_threshold).flatten()
        order = candidates[scores[candidates].argsort(descending=True, stable=True)]
        ranked = boxes[order]
        removed = torch.zeros(len(order), dtype=torch.bool, device=boxes.device)
        kept = []
        for i in range(len(order)):          # greedy, in score order: one IoU row per kept box
            if removed[i]:
                continue
            kept.append(i)
            removed |= _iou(ranked[i:i + 1], ranked)[0] > iou_threshold
        return order[torch.tensor(kept, dtype=torch.long, device=order.device)]


# --- regions of interest --------------------------------------------------------------------------
def _rois(boxes):
    """(K, 5) rows batch_index x1 y1 x2 y2, or (K, 4) rows x1 y1 x2 y2 (all of image 0)."""
    if boxes.dim() != 2 or boxes.shape[1] not in (4, 5):
        raise CommandError("Invalid boxes: expected a (K, 5) tensor of batch_index x1 y1 x2 y2 "
                           f"rows or a (K, 4) one of x1 y1 x2 y2, got shape {list(boxes.shape)}")
    if boxes.shape[1] == 4:
        return torch.zeros(len(boxes), dtype=torch.long, device=boxes.device), boxes
    return boxes[:, 0].long(), boxes[:, 1:]


def _pooled_size(output_size):
    if len(output_size) == 1:
        output_size = output_size * 2
    if len(output_size) != 2 or min(output_size) <= 0:
        raise CommandError(f"Invalid output_size: {{{' '.join(map(str, output_size))}}} (it must "
                           "be two positive integers, {height width})")
    return output_size


def _sampling_weights(start, bin_size, grid, pooled, n, size):
    """RoI Align along one axis, as a (K, pooled, size) matrix: row (k, p) holds the weight each
    pixel gets from the samples of bin p of box k, torchvision's way: n sample points per bin
    (those past the box's own grid count dropped), a point outside [-1, size] counts as zero,
    points below 0 are clamped to 0 and those at or past the last pixel read the last pixel.
    Bilinear weights are the product of one such weight per axis, so the 2-D sampling of a box
    is Wy @ image @ Wx^T."""
    dtype, device = start.dtype, start.device
    step = bin_size[:, None, None] / grid.clamp(min=1)[:, None, None].to(dtype)
    bins = torch.arange(pooled, device=device, dtype=dtype)[None, :, None]
    sub = torch.arange(n, device=device, dtype=dtype)[None, None, :]
    coords = start[:, None, None] + bins * bin_size[:, None, None] + (sub + 0.5) * step
    counted = (coords >= -1.0) & (coords <= size) \
        & (torch.arange(n, device=device)[None, None, :] < grid[:, None, None])
    coords = coords.clamp(min=0)
    low = coords.long()
    last = low >= size - 1
    low = torch.where(last, size - 1, low)
    high = torch.where(last, size - 1, low + 1)
    frac = torch.where(last, 0.0, coords - low)
    zero = coords.new_zeros(())
    weights = coords.new_zeros(len(start), pooled, size)
    weights = weights.scatter_add(2, low, torch.where(counted, 1 - frac, zero))
    return weights.scatter_add(2, high, torch.where(counted, frac, zero))


@vision.command("roi_align", INPUT, BOXES, ROI_SIZE, SPATIAL_SCALE,
                param("sampling_ratio", INT, -1, invalid="Invalid samplingRatio value"),
                param("aligned", BOOL, True, invalid="Invalid aligned value"),
                returns="tensor handle", errors={"missing": "Missing required parameters"})
def roi_align(input, boxes, output_size, spatial_scale, sampling_ratio, aligned):
    """RoI Align (Mask R-CNN) of a (N, C, H, W) feature map: each box becomes a (C, h, w)
    block, each bin the mean of bilinear samples. Boxes are (K, 5) rows
    batch_index x1 y1 x2 y2, or (K, 4) rows x1 y1 x2 y2 on image 0, in input coordinates times
    spatial_scale. sampling_ratio: samples per bin side (-1 or 0: ceil(bin size)); aligned true
    shifts boxes by half a pixel. The semantics of torchvision.ops.roi_align, written with torch
    operations (torchvision's compiled operators do not load with this PyTorch build)."""
    ph, pw = _pooled_size(output_size)
    if input.dim() != 4:
        raise CommandError(f"roi_align needs a 4-D input (N, C, H, W), got {input.dim()}-D")
    batch, corners = _rois(boxes)
    n_rois, channels, height, width = len(corners), input.shape[1], input.shape[2], input.shape[3]
    out = input.new_zeros(n_rois, channels, ph, pw)
    if n_rois == 0:
        return out
    corners = corners.to(input.dtype) * spatial_scale - (0.5 if aligned else 0.0)
    roi_h = corners[:, 3] - corners[:, 1]
    roi_w = corners[:, 2] - corners[:, 0]
    if not aligned:                     # legacy: boxes at least one pixel
        roi_h, roi_w = roi_h.clamp(min=1.0), roi_w.clamp(min=1.0)
    if sampling_ratio > 0:
        grid_h = grid_w = torch.full((n_rois,), sampling_ratio, device=input.device)
    else:
        grid_h, grid_w = torch.ceil(roi_h / ph).long(), torch.ceil(roi_w / pw).long()
    count = (grid_h * grid_w).clamp(min=1).to(input.dtype)
    wy = _sampling_weights(corners[:, 1], roi_h / ph, grid_h, ph, max(int(grid_h.max()), 1),
                           height)
    wx = _sampling_weights(corners[:, 0], roi_w / pw, grid_w, pw, max(int(grid_w.max()), 1),
                           width) / count[:, None, None]
    for image in batch.unique().tolist():       # the boxes of each image of the batch at once
        rows = torch.nonzero(batch == image).flatten()
        part = torch.einsum("kph,chw,kqw->kcpq", wy[rows], input[image], wx[rows])
        out = out.index_copy(0, rows, part)
    return out


def _round_half_away(x):
    """C's round(): halves away from zero (torch.round rounds them to even)."""
    return torch.sign(x) * torch.floor(x.abs() + 0.5)


@vision.command("roi_pool", INPUT, BOXES, ROI_SIZE, SPATIAL_SCALE, returns="tensor handle")
def roi_pool(input, boxes, output_size, spatial_scale):
    """RoI max pooling (Fast R-CNN) of a (N, C, H, W) feature map: each box, its corners
    scaled by spatial_scale and rounded to pixels, is cut into an output_size {h w} grid of bins
    and each bin gives its maximum (an empty bin gives 0). Boxes are (K, 5) rows
    batch_index x1 y1 x2 y2, or (K, 4) rows x1 y1 x2 y2 on image 0. The semantics of
    torchvision.ops.roi_pool, written with torch operations (torchvision's compiled operators
    do not load with this PyTorch build)."""
    ph, pw = _pooled_size(output_size)
    if input.dim() != 4:
        raise CommandError(f"roi_pool needs a 4-D input (N, C, H, W), got {input.dim()}-D")
    batch, corners = _rois(boxes)
    n_rois, channels, height, width = len(corners), input.shape[1], input.shape[2], input.shape[3]
    if n_rois == 0:
        return input.new_zeros(0, channels, ph, pw)
    with torch.no_grad():
        exact = input.dtype if input.is_floating_point() else torch.float64
        c = _round_half_away(corners.to(exact) * spatial_scale).long()

        def axis(start, end, pooled, size):
            """Each bin's [first, last) pixel rows (or columns): (K, pooled) each."""
            bin_size = ((end - start + 1).clamp(min=1).to(exact) / pooled)[:, None]
            bins = torch.arange(pooled, device=input.device, dtype=exact)[None, :]
            first = torch.floor(bins * bin_size).long() + start[:, None]
            last = torch.ceil((bins + 1) * bin_size).long() + start[:, None]
            return first.clamp(0, size), last.clamp(0, size)

        y0, y1 = axis(c[:, 1], c[:, 3], ph, height)
        x0, x1 = axis(c[:, 0], c[:, 2], pw, width)
        rows = torch.arange(height, device=input.device)
        cols = torch.arange(width, device=input.device)
        in_row = (rows >= y0[..., None]) & (rows < y1[..., None])       # (K, ph, H)
        in_col = (cols >= x0[..., None]) & (cols < x1[..., None])       # (K, pw, W)
        empty = (y1 <= y0)[:, :, None] | (x1 <= x0)[:, None, :]         # (K, ph, pw)
    lowest = torch.finfo(input.dtype).min if input.is_floating_point() \
        else torch.iinfo(input.dtype).min
    maps = input[batch]                                                 # (K, C, H, W)
    lowest = maps.new_full((), lowest)
    # the maximum over each bin's columns, then over its rows (a bin is a rectangle); one pooled
    # column (row) at a time, which keeps the masked copy the size of `maps`
    by_col = torch.stack([torch.where(in_col[:, q, None, None, :], maps, lowest).max(dim=3).values
                          for q in range(pw)], dim=3)                   # (K, C, H, pw)
    by_bin = torch.stack([torch.where(in_row[:, p, None, :, None], by_col, lowest).max(dim=2)
                          .values for p in range(ph)], dim=2)           # (K, C, ph, pw)
    return torch.where(empty[:, None], maps.new_zeros(()), by_bin)
