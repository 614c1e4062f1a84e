"""The vision commands against the PyTorch calls they make (interpolate, grid sampling, pixel and
channel shuffles, normalization) and, for the box and region operations written here in torch
(box_iou, nms, roi_align, roi_pool: torchvision's semantics), against plain loop implementations
of torchvision's algorithms; hand-checked tiny cases; autograd; the pages' error texts."""

import functools
import math

import pytest
import torch
import torch.nn.functional as F
from conftest import assert_same, check_case, rnd

F64 = torch.float64


_same = functools.partial(assert_same, tol=1e-5)


def boxes(g, n, size=8.0, batch=None, dtype=torch.float32):
    """n random x1 y1 x2 y2 boxes inside [0, size]; with `batch`, (n, 5) rows with a batch
    index in front."""
    p = torch.rand(n, 4, generator=g, dtype=F64) * size
    b = torch.stack([torch.minimum(p[:, 0], p[:, 2]), torch.minimum(p[:, 1], p[:, 3]),
                     torch.maximum(p[:, 0], p[:, 2]), torch.maximum(p[:, 1], p[:, 3])], 1)
    if batch is not None:
        b = torch.cat([torch.randint(0, batch, (n, 1), generator=g).to(F64), b], 1)
    return b.to(dtype)


# --- straightforward references of torchvision's algorithms ---------------------------------------
def ref_iou(a, b):
    out = torch.zeros(len(a), len(b), dtype=a.dtype)
    for i, p in enumerate(a.tolist()):
        for j, q in enumerate(b.tolist()):
            w = max(0.0, min(p[2], q[2]) - max(p[0], q[0]))
            h = max(0.0, min(p[3], q[3]) - max(p[1], q[1]))
            inter = w * h
            union = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - inter
            out[i, j] = inter / union
    return out


def ref_nms(b, s, thr, score_thr=0.0):
    order = [i for i in sorted(range(len(s)), key=lambda i: -float(s[i])) if s[i] >= score_thr]
    iou = ref_iou(b, b)
    keep = []
    for i in order:
        if all(iou[i, k] <= thr for k in keep):
            keep.append(i)
    return torch.tensor(keep, dtype=torch.long)


def _bilinear(img, y, x):
    """torchvision's roi_align sampling of one (C, H, W) image at (y, x)."""
    h, w = img.shape[1:]
    if y < -1.0 or y > h or x < -1.0 or x > w:
        return torch.zeros(img.shape[0], dtype=img.dtype)
    y, x = max(y, 0.0), max(x, 0.0)
    yl, xl = int(y), int(x)
    if yl >= h - 1:
        yh = yl = h - 1
        y = float(yl)
    else:
        yh = yl + 1
    if xl >= w - 1:
        xh = xl = w - 1
        x = float(xl)
    else:
        xh = xl + 1
    ly, lx = y - yl, x - xl
    return ((1 - ly) * (1 - lx) * img[:, yl, xl] + (1 - ly) * lx * img[:, yl, xh]
            + ly * (1 - lx) * img[:, yh, xl] + ly * lx * img[:, yh, xh])


def ref_roi_align(x, rois, out, scale=1.0, ratio=-1, aligned=True):
    ph, pw = out
    if rois.shape[1] == 4:
        rois = torch.cat([torch.zeros(len(rois), 1, dtype=rois.dtype), rois], 1)
    res = torch.zeros(len(rois), x.shape[1], ph, pw, dtype=x.dtype)
    off = 0.5 if aligned else 0.0
    for k, r in enumerate(rois.tolist()):
        img = x[int(r[0])]
        x1, y1, x2, y2 = (v * scale - off for v in r[1:])
        rw, rh = x2 - x1, y2 - y1
        if not aligned:
            rw, rh = max(rw, 1.0), max(rh, 1.0)
        bh, bw = rh / ph, rw / pw
        gh = ratio if ratio > 0 else math.ceil(rh / ph)
        gw = ratio if ratio > 0 else math.ceil(rw / pw)
        count = max(gh * gw, 1)
        for i in range(ph):
            for j in range(pw):
                acc = torch.zeros(x.shape[1], dtype=x.dtype)
                for iy in range(gh):
                    for ix in range(gw):
                        yy = y1 + i * bh + (iy + 0.5) * bh / gh
                        xx = x1 + j * bw + (ix + 0.5) * bw / gw
                        acc += _bilinear(img, yy, xx)
                res[k, :, i, j] = acc / count
    return res


def _c_round(v):
    return math.floor(abs(v) + 0.5) * (1 if v >= 0 else -1)


def ref_roi_pool(x, rois, out, scale=1.0):
    ph, pw = out
    if rois.shape[1] == 4:
        rois = torch.cat([torch.zeros(len(rois), 1, dtype=rois.dtype), rois], 1)
    h, w = x.shape[2:]
    res = torch.zeros(len(rois), x.shape[1], ph, pw, dtype=x.dtype)
    for k, r in enumerate(rois.tolist()):
        img = x[int(r[0])]
        x1, y1, x2, y2 = (_c_round(v * scale) for v in r[1:])
        rh, rw = max(y2 - y1 + 1, 1), max(x2 - x1 + 1, 1)
        for i in range(ph):
            for j in range(pw):
                bh, bw = rh / ph, rw / pw
                hs = min(max(math.floor(i * bh) + y1, 0), h)
                he = min(max(math.ceil((i + 1) * bh) + y1, 0), h)
                ws = min(max(math.floor(j * bw) + x1, 0), w)
                we = min(max(math.ceil((j + 1) * bw) + x1, 0), w)
                if he > hs and we > ws:
                    res[k, :, i, j] = img[:, hs:he, ws:we].amax(dim=(1, 2))
    return res


# (id, inputs (a function of a seeded generator), scripts that must all give `expected`,
#  expected (a function of the inputs), differentiable)
CASES = [
    ("interpolate-nearest", lambda g: {"x": rnd(g, 2, 3, 4, 5)},
     ["torch::interpolate $x {8 10}", "torch::interpolate -input $x -size {8 10}",
      "torch::interpolate -tensor $x -size {8 10} -mode nearest -align_corners 1"],
     lambda x: F.interpolate(x, size=[8, 10]), True),
    ("interpolate-bilinear", lambda g: {"x": rnd(g, 1, 2, 5, 4, dtype=F64).transpose(2, 3)},
     ["torch::interpolate $x {7 3} bilinear 1",
      "torch::interpolate -input $x -size {7 3} -mode bilinear -alignCorners true"],
     lambda x: F.interpolate(x, size=[7, 3], mode="bilinear", align_corners=True), True),
    ("interpolate-scale", lambda g: {"x": rnd(g, 1, 1, 6)},
     ["torch::interpolate $x {} linear 0 2.5",
      "torch::interpolate -input $x -scale_factor 2.5 -mode linear",
      "torch::interpolate -input $x -scaleFactor {2.5} -mode linear"],
     lambda x: F.interpolate(x, scale_factor=2.5, mode="linear", align_corners=False), True),
    ("interpolate-area", lambda g: {"x": rnd(g, 2, 2, 8, 8)},
     ["torch::interpolate $x {3 4} area", "torch::interpolate -input $x -size {3 4} -mode area"],
     lambda x: F.interpolate(x, size=[3, 4], mode="area"), True),
    ("interpolate-trilinear", lambda g: {"x": rnd(g, 1, 1, 2, 3, 2)},
     ["torch::interpolate -input $x -scale_factor {2.0 1.5 2.0} -mode trilinear"],
     lambda x: F.interpolate(x, scale_factor=[2.0, 1.5, 2.0], mode="trilinear",
                             align_corners=False), True),
    ("interpolate-empty", lambda g: {"x": torch.zeros(0, 2, 3, 3)},
     ["torch::interpolate $x {6 6} bicubic"],
     lambda x: F.interpolate(x, size=[6, 6], mode="bicubic", align_corners=False), False),
    ("resize_image", lambda g: {"x": rnd(g, 2, 3, 4, 5)},
     ["torch::resize_image $x {6 8}", "torch::resizeImage -input $x -size {6 8}",
      "torch::resize_image -image $x -size {6 8} -mode bilinear -align_corners 0"],
     lambda x: F.interpolate(x, size=[6, 8], mode="bilinear", align_corners=False), True),
    ("resize_image-bicubic", lambda g: {"x": rnd(g, 1, 1, 4, 3, dtype=F64)},
     ["torch::resize_image $x {5 5} bicubic 1",
      "torch::resizeImage -tensor $x -size {5 5} -mode bicubic -alignCorners 1"],
     lambda x: F.interpolate(x, size=[5, 5], mode="bicubic", align_corners=True), True),
    ("resize_image-nearest", lambda g: {"x": rnd(g, 1, 2, 3, 3)},
     ["torch::resize_image $x {2 7} nearest", "torch::resize_image $x {2 7} nearest 1"],
     lambda x: F.interpolate(x, size=[2, 7], mode="nearest"), True),
    ("upsample_bilinear-size", lambda g: {"x": rnd(g, 2, 3, 4, 4)},
     ["torch::upsample_bilinear $x {8 6}", "torch::upsampleBilinear -input $x -output_size {8 6}",
      "torch::upsample_bilinear -input $x -size {8 6} -align_corners 0 -antialias 0"],
     lambda x: F.interpolate(x, size=[8, 6], mode="bilinear", align_corners=False), True),
    ("upsample_bilinear-scale", lambda g: {"x": rnd(g, 1, 2, 4, 6).transpose(2, 3)},
     ["torch::upsample_bilinear $x {2.0 1.5} 1",
      "torch::upsample_bilinear -input $x -scale_factor {2.0 1.5} -alignCorners 1"],
     lambda x: F.interpolate(x, scale_factor=[2.0, 1.5], mode="bilinear", align_corners=True),
     True),
    ("upsample_bilinear-antialias", lambda g: {"x": rnd(g, 1, 1, 8, 8)},
     ["torch::upsample_bilinear $x {3 3} 0 1",
      "torch::upsample_bilinear -input $x -output_size {3 3} -antialias true"],
     lambda x: F.interpolate(x, size=[3, 3], mode="bilinear", antialias=True), True),
    ("upsample_nearest", lambda g: {"x": rnd(g, 1, 2, 4)},
     ["torch::upsample_nearest $x 8", "torch::upsampleNearest -input $x -size {8}",
      "torch::upsample_nearest -input $x -scale_factor 2.0"],
     lambda x: F.interpolate(x, size=[8]), True),
    ("upsample_nearest-3d", lambda g: {"x": rnd(g, 1, 1, 2, 2, 3, dtype=F64)},
     ["torch::upsample_nearest $x {4 3 6}", "torch::upsample_nearest -input $x -size {4 3 6}"],
     lambda x: F.interpolate(x, size=[4, 3, 6]), True),
    ("affine_grid", lambda g: {"t": rnd(g, 3, 2, 3)},
     ["torch::affine_grid $t {3 1 4 5}", "torch::affineGrid -theta $t -size {3 1 4 5}",
      "torch::affine_grid $t {3 1 4 5} false"],
     lambda t: F.affine_grid(t, [3, 1, 4, 5], align_corners=False), True),
    ("affine_grid-3d", lambda g: {"t": rnd(g, 2, 3, 4, dtype=F64)},
     ["torch::affine_grid $t {2 1 2 3 4} 1",
      "torch::affine_grid -theta $t -size {2 1 2 3 4} -align_corners true"],
     lambda t: F.affine_grid(t, [2, 1, 2, 3, 4], align_corners=True), True),
    ("grid_sample", lambda g: {"x": rnd(g, 2, 3, 5, 4), "grid": rnd(g, 2, 3, 6, 2)},
     ["torch::grid_sample $x $grid", "torch::gridSample -input $x -grid $grid",
      "torch::grid_sample -tensor $x -grid $grid -mode bilinear -padding_mode zeros"],
     lambda x, grid: F.grid_sample(x, grid, align_corners=False), True),
    ("grid_sample-options", lambda g: {"x": rnd(g, 1, 2, 4, 4, dtype=F64),
                                       "grid": 1.5 * rnd(g, 1, 3, 2, 2, dtype=F64)},
     ["torch::grid_sample $x $grid bilinear reflection 1",
      "torch::gridSample -input $x -grid $grid -paddingMode reflection -alignCorners 1"],
     lambda x, grid: F.grid_sample(x, grid, padding_mode="reflection", align_corners=True),
     True),
    ("grid_sample-nearest", lambda g: {"x": rnd(g, 1, 1, 3, 3), "grid": rnd(g, 1, 2, 2, 2)},
     ["torch::grid_sample $x $grid nearest border",
      "torch::grid_sample -input $x -grid $grid -mode nearest -padding_mode border"],
     lambda x, grid: F.grid_sample(x, grid, mode="nearest", padding_mode="border",
                                   align_corners=False), True),
    ("pixel_shuffle", lambda g: {"x": rnd(g, 2, 8, 3, 2)},
     ["torch::pixel_shuffle $x 2", "torch::pixelShuffle -input $x -upscaleFactor 2",
      "torch::pixel_shuffle -tensor $x -factor 2",
      "torch::pixel_shuffle -upscale_factor 2 -input $x"],
     lambda x: F.pixel_shuffle(x, 2), True),
    ("pixel_shuffle-batched", lambda g: {"x": rnd(g, 2, 2, 9, 2, 3, dtype=F64).transpose(3, 4)},
     ["torch::pixel_shuffle $x 3"], lambda x: F.pixel_shuffle(x, 3), True),
    ("pixel_unshuffle", lambda g: {"x": rnd(g, 2, 1, 4, 6)},
     ["torch::pixel_unshuffle $x 2", "torch::pixelUnshuffle -input $x -downscaleFactor 2",
      "torch::pixel_unshuffle -tensor $x -factor 2"],
     lambda x: F.pixel_unshuffle(x, 2), True),
    ("pixel_unshuffle-int", lambda g: {"x": torch.arange(2 * 9 * 6).reshape(2, 9, 6)},
     ["torch::pixel_unshuffle $x 3"], lambda x: F.pixel_unshuffle(x, 3), False),
    ("channel_shuffle", lambda g: {"x": rnd(g, 2, 6, 3, 3)},
     ["torch::channel_shuffle $x 3", "torch::channelShuffle -input $x -groups 3",
      "torch::channel_shuffle -groups 3 -tensor $x"],
     lambda x: F.channel_shuffle(x, 3), True),
    ("channel_shuffle-int", lambda g: {"x": torch.arange(2 * 4 * 5).reshape(2, 4, 5)},
     ["torch::channel_shuffle $x 2"], lambda x: F.channel_shuffle(x, 2), False),
    ("normalize_image", lambda g: {"x": rnd(g, 2, 3, 4, 4), "m": rnd(g, 3, 1, 1),
                                   "s": rnd(g, 3, 1, 1).abs() + 0.5},
     ["torch::normalize_image $x $m $s", "torch::normalizeImage -image $x -mean $m -std $s",
      "torch::normalize_image -tensor $x -mean $m -std $s -inplace 0"],
     lambda x, m, s: (x - m) / s, True),
    ("normalize_image-broadcast", lambda g: {"x": rnd(g, 4, 3, dtype=F64).t(),
                                             "m": rnd(g, 4, dtype=F64),
                                             "s": torch.tensor(2.0, dtype=F64)},
     ["torch::normalize_image $x $m $s"], lambda x, m, s: (x - m) / s, True),
    ("denormalize_image", lambda g: {"x": rnd(g, 3, 2, 2), "m": rnd(g, 3, 1, 1),
                                     "s": rnd(g, 3, 1, 1).abs() + 0.5},
     ["torch::denormalize_image $x $m $s", "torch::denormalizeImage -image $x -mean $m -std $s",
      "torch::denormalize_image $x $m $s 0"],
     lambda x, m, s: x * s + m, True),
    ("box_iou", lambda g: {"a": boxes(g, 5), "b": boxes(g, 3)},
     ["torch::box_iou $a $b", "torch::boxIou -boxes1 $a -boxes2 $b"],
     lambda a, b: ref_iou(a, b), True),
    ("box_iou-empty", lambda g: {"a": boxes(g, 0, dtype=F64), "b": boxes(g, 3, dtype=F64)},
     ["torch::box_iou $a $b"], lambda a, b: ref_iou(a, b), False),
    ("nms", lambda g: {"b": boxes(g, 30, size=10.0), "s": torch.rand(30, generator=g)},
     ["torch::nms $b $s 0.3", "torch::Nms -boxes $b -scores $s -iouThreshold 0.3",
      "torch::nms -boxes $b -scores $s -iou_threshold 0.3 -scoreThreshold 0.0"],
     lambda b, s: ref_nms(b, s, 0.3), False),
    ("nms-score-threshold", lambda g: {"b": boxes(g, 30, size=10.0, dtype=F64),
                                       "s": torch.rand(30, generator=g, dtype=F64)},
     ["torch::nms $b $s 0.5 0.4", "torch::nms -boxes $b -scores $s -iouThreshold 0.5 "
      "-scoreThreshold 0.4"], lambda b, s: ref_nms(b, s, 0.5, 0.4), False),
    ("nms-empty", lambda g: {"b": torch.zeros(0, 4), "s": torch.zeros(0)},
     ["torch::nms $b $s 0.5"], lambda b, s: torch.zeros(0, dtype=torch.long), False),
    ("roi_align", lambda g: {"x": rnd(g, 2, 3, 9, 10), "r": boxes(g, 6, size=11.0, batch=2)},
     ["torch::roi_align $x $r {3 4}", "torch::roiAlign -input $x -boxes $r -outputSize {3 4}",
      "torch::roi_align -tensor $x -boxes $r -output_size {3 4} -spatialScale 1.0 "
      "-samplingRatio -1 -aligned true"],
     lambda x, r: ref_roi_align(x, r, (3, 4)), True),
    ("roi_align-options", lambda g: {"x": rnd(g, 1, 2, 8, 8, dtype=F64),
                                     "r": boxes(g, 5, size=20.0, dtype=F64)},
     ["torch::roi_align $x $r {2 3} 0.5 2 0",
      "torch::roi_align -input $x -boxes $r -outputSize {2 3} -spatial_scale 0.5 "
      "-sampling_ratio 2 -aligned false"],
     lambda x, r: ref_roi_align(x, r, (2, 3), 0.5, 2, False), True),
    ("roi_align-adaptive-unaligned", lambda g: {"x": rnd(g, 2, 2, 6, 7, dtype=F64),
                                                "r": boxes(g, 7, size=9.0, batch=2, dtype=F64)},
     ["torch::roi_align $x $r 2 0.75 0 false"],
     lambda x, r: ref_roi_align(x, r, (2, 2), 0.75, 0, False), True),
    ("roi_pool", lambda g: {"x": rnd(g, 2, 3, 9, 10), "r": boxes(g, 6, size=11.0, batch=2)},
     ["torch::roi_pool $x $r {3 2}", "torch::roiPool -input $x -boxes $r -outputSize {3 2}",
      "torch::roi_pool -tensor $x -boxes $r -output_size {3 2} -spatial_scale 1.0"],
     lambda x, r: ref_roi_pool(x, r, (3, 2)), True),
    ("roi_pool-scaled", lambda g: {"x": rnd(g, 1, 2, 6, 6, dtype=F64),
                                   "r": boxes(g, 6, size=16.0, dtype=F64)},
     ["torch::roi_pool $x $r {4 3} 0.4", "torch::roiPool -input $x -boxes $r -outputSize {4 3} "
      "-spatialScale 0.4"], lambda x, r: ref_roi_pool(x, r, (4, 3), 0.4), True),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_matches_torch(shared, case):
    check_case(shared, case, _same)


GRAD_CASES = [c for c in CASES if c[4]]


@pytest.mark.parametrize("case", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_autograd(shared, case):
    """The result carries a grad_fn; where the expected value is PyTorch's own call, the
    gradients are PyTorch's too."""
    tcl = shared
    _, make, scripts, expected, _ = case
    inputs = make(torch.Generator().manual_seed(11))
    leaves = {k: v.detach().clone().requires_grad_(v.is_floating_point() and k != "r")
              for k, v in inputs.items()}
    tcl.load(leaves)
    got = tcl.interp.tensor(tcl(scripts[0]))
    assert got.grad_fn is not None
    if case[0].startswith(("roi_", "box_")):
        return
    twins = {k: v.detach().clone().requires_grad_(v.requires_grad) for k, v in leaves.items()}
    got.sum().backward()
    expected(**twins).sum().backward()
    for k, leaf in leaves.items():
        if leaf.requires_grad:
            torch.testing.assert_close(leaf.grad, twins[k].grad, rtol=1e-5, atol=1e-5)


def test_roi_align_gradient_matches_the_reference(shared):
    """The feature map's gradient is the reference's (bilinear weights summed per sample)."""
    g = torch.Generator().manual_seed(5)
    x = rnd(g, 1, 2, 6, 6, dtype=F64).requires_grad_()
    r = boxes(g, 4, size=7.0, dtype=F64)
    twin = x.detach().clone().requires_grad_()
    shared.load({"x": x, "r": r})
    w = rnd(g, 4, 2, 2, 3, dtype=F64)
    (shared.interp.tensor(shared("torch::roi_align $x $r {2 3}")) * w).sum().backward()
    (ref_roi_align(twin, r, (2, 3)) * w).sum().backward()
    torch.testing.assert_close(x.grad, twin.grad)


# --- hand-checked cases -----------------------------------------------------------------------
def test_box_iou_by_hand(shared):
    tcl = shared
    # [0,0,2,2] and [1,1,3,3]: intersection 1, union 4 + 4 - 1 = 7; disjoint [5,5,6,6]: 0
    tcl("set a [torch::tensor_create {{0 0 2 2}} float32]")
    tcl("set b [torch::tensor_create {{1 1 3 3} {5 5 6 6} {0 0 2 2}} float32]")
    got = tcl.interp.tensor(tcl("torch::box_iou $a $b"))
    torch.testing.assert_close(got, torch.tensor([[1 / 7, 0.0, 1.0]]))


def test_nms_by_hand(shared):
    tcl = shared
    # boxes 0 and 2 overlap with IoU 0.81/1.19 ~ 0.68; box 1 stands alone. Box 2 scores higher,
    # so box 0 goes; the kept indices come by decreasing score.
    tcl("set b [torch::tensor_create {{0 0 1 1} {5 5 6 6} {0.1 0.1 1.1 1.1}} float32]")
    tcl("set s [torch::tensor_create {0.7 0.8 0.9} float32]")
    kept = tcl.interp.tensor(tcl("torch::nms $b $s 0.5"))
    assert kept.tolist() == [2, 1] and kept.dtype == torch.long
    assert tcl.interp.tensor(tcl("torch::nms $b $s 0.7")).tolist() == [2, 1, 0]
    assert tcl.interp.tensor(tcl("torch::nms $b $s 0.5 0.85")).tolist() == [2]
    # a flat list of 4N numbers is N boxes
    tcl("set flat [torch::tensor_create {0 0 1 1 5 5 6 6 0.1 0.1 1.1 1.1} float32]")
    assert tcl.interp.tensor(tcl("torch::nms $flat $s 0.5")).tolist() == [2, 1]


def test_roi_pool_and_align_by_hand(shared):
    tcl = shared
    # a 4x4 ramp 0..15; the box 0 0 3 3 covers it all: 2x2 max pooling gives the quadrants'
    # maxima; roi_align with one sample per bin (aligned) samples at pixel centres (1, 1)...
    tcl("set x [torch::tensor_reshape [torch::arange 0 16 1 float32] {1 1 4 4}]")
    tcl("set r [torch::tensor_create {{0 0 0 3 3}} float32]")
    pooled = tcl.interp.tensor(tcl("torch::roi_pool $x $r {2 2}"))
    assert pooled.flatten().tolist() == [5.0, 7.0, 13.0, 15.0]
    tcl("set r4 [torch::tensor_create {{0.5 0.5 2.5 2.5}} float32]")
    aligned = tcl.interp.tensor(tcl("torch::roi_align $x $r4 {2 2} 1.0 1 1"))
    # aligned: box shifted by -0.5 -> [0, 2], bins of 1, samples at 0.5 and 1.5 in both axes
    torch.testing.assert_close(aligned.flatten(), torch.tensor([2.5, 3.5, 6.5, 7.5]))


def test_inplace_returns_the_input_handle(shared):
    tcl = shared
    tcl("set x [torch::tensor_create {1.0 2.0 3.0 4.0} float32]")
    tcl("set m [torch::tensor_create {2.0} float32]")
    tcl("set s [torch::tensor_create {2.0} float32]")
    assert tcl("torch::normalize_image $x $m $s 1") == tcl("set x")
    assert tcl.interp.tensor(tcl("set x")).tolist() == [-0.5, 0.0, 0.5, 1.0]
    assert tcl("torch::denormalize_image -image $x -mean $m -std $s -inplace 1") == tcl("set x")
    assert tcl.interp.tensor(tcl("set x")).tolist() == [1.0, 2.0, 3.0, 4.0]
    assert tcl("torch::normalize_image $x $m $s") != tcl("set x")


def test_pixel_shuffle_round_trip(shared):
    tcl = shared
    tcl("set x [torch::tensor_reshape [torch::arange 0 32 1 float32] {1 8 2 2}]")
    assert tcl("torch::tensor_shape [set y [torch::pixel_shuffle $x 2]]") == "1 2 4 4"
    assert torch.equal(tcl.interp.tensor(tcl("torch::pixel_unshuffle $y 2")),
                       tcl.interp.tensor(tcl("set x")))


# --- error texts ----------------------------------------------------------------------------------
ERRORS = [
    ("torch::affine_grid -theta $t", "Required parameters: theta, size"),
    ("torch::affine_grid $x {2 3}", "affine_grid only supports 4D and 5D sizes"),
    ("torch::affine_grid [torch::zeros {2 3}] {1 1 4 4}",
     "Expected a batch of 2D affine matrices of shape Nx2x3"),
    ("torch::channel_shuffle", "Usage: torch::channel_shuffle input groups | "
     "torch::channelShuffle -input tensor -groups num_groups"),
    ("torch::channel_shuffle nope 2", "Invalid input tensor"),
    ("torch::channel_shuffle $x 0",
     "Required parameters missing: input tensor and groups (> 0) required"),
    ("torch::channel_shuffle -input $x -invalid_param 2",
     "Unknown parameter: -invalid_param. Valid parameters are: -input, -tensor, -groups"),
    ("torch::denormalize_image nope $m $m", "Invalid image tensor"),
    ("torch::denormalize_image -image $x", "Required parameters missing: -mean, -std"),
    ("torch::denormalize_image -invalid_param $x -mean $m -std $m",
     "Unknown parameter: -invalid_param"),
    ("torch::grid_sample", "Required parameters missing: input and grid tensors required"),
    ("torch::grid_sample nope $g", "Invalid input tensor"),
    ("torch::grid_sample -input $x -grid $g -mode invalid_mode",
     "Invalid mode: invalid_mode. Valid modes are: bilinear, nearest"),
    ("torch::grid_sample -input $x -grid $g -padding_mode invalid_padding",
     "Invalid padding_mode: invalid_padding. Valid modes are: zeros, border, reflection"),
    ("torch::grid_sample -input $x -grid $g -align_corners invalid",
     "Invalid align_corners parameter: must be integer"),
    ("torch::interpolate $x", "Either -size or -scale_factor must be given"),
    ("torch::interpolate -input $x -size {4 4} -scale_factor 2.0",
     "Give either -size or -scale_factor, not both"),
    ("torch::interpolate $x {4 4} cubic", 'bad value "cubic"'),
    ("torch::pixel_shuffle -input $x -upscaleFactor 0", "Upscale factor must be positive"),
    ("torch::pixel_unshuffle -input $x -downscaleFactor 0", "Downscale factor must be positive"),
    ("torch::resize_image [torch::zeros {3 4 4}] {2 2}", "resize_image needs a 4-D tensor"),
    ("torch::resize_image $x {2 2 2}", "Invalid size"),
    ("torch::roi_align -input $x", "Missing required parameters"),
    ("torch::roi_align -input invalid -boxes $r -outputSize {7 7}", "Invalid input tensor"),
    ("torch::roi_align -input $x -boxes $r -outputSize {7 7} -spatialScale invalid",
     "Invalid spatialScale value"),
    ("torch::roi_pool $x [torch::zeros {2 3}] {2 2}", "Invalid boxes"),
    ("torch::nms $b $s 1.5", "Invalid iou_threshold: 1.5"),
    ("torch::nms $b [torch::zeros {3}] 0.5", "Boxes and scores do not match"),
    ("torch::upsample_bilinear $x", "Either -output_size or -scale_factor must be given"),
    ("torch::upsample_nearest -input $x", "Either -size or -scale_factor must be given"),
    ("torch::box_iou $r $r", "Invalid boxes1"),
]


@pytest.mark.parametrize("script, text", ERRORS, ids=[e[0] for e in ERRORS])
def test_error_texts(shared, script, text):
    shared.load({"x": torch.zeros(1, 4, 4, 4), "t": torch.zeros(1, 2, 3),
                   "m": torch.zeros(1), "g": torch.zeros(1, 2, 2, 2),
                   "r": torch.zeros(1, 5), "b": torch.zeros(2, 4), "s": torch.zeros(2)})
    assert text in shared.error(script).message
