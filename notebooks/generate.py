"""Writes the example notebooks of this folder, without outputs.

    .venv/bin/python notebooks/generate.py

The notebooks are the product; this script only keeps them consistent (kernel metadata, stable
cell ids, no outputs). Edit the cells here and regenerate, or edit a notebook by hand and keep it
free of outputs. The tests (tests/test_notebooks.py) run the .ipynb files, not this script.
"""

import pathlib
import textwrap

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = pathlib.Path(__file__).resolve().parent

TCL_KERNEL = {
    "kernelspec": {"name": "torchtcl", "display_name": "Tcl (torch)", "language": "tcl"},
    "language_info": {"name": "tcl", "mimetype": "text/x-tcl", "file_extension": ".tcl",
                      "pygments_lexer": "tcl", "codemirror_mode": "tcl"},
}
PYTHON_KERNEL = {
    "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                   "language": "python"},
    "language_info": {"name": "python", "mimetype": "text/x-python", "file_extension": ".py",
                      "pygments_lexer": "ipython3",
                      "codemirror_mode": {"name": "ipython", "version": 3}},
}


def md(text):
    return ("md", text)


def code(text):
    return ("code", text)


def build(stem, metadata, cells):
    nb = new_notebook(metadata=metadata)
    for i, (kind, text) in enumerate(cells):
        source = textwrap.dedent(text).strip("\n")
        cell = new_markdown_cell(source) if kind == "md" else new_code_cell(source)
        cell["id"] = f"{stem.replace('_', '-')}-{i:02d}"   # stable ids: regenerating changes nothing
        nb.cells.append(cell)
    nbformat.validate(nb)
    path = HERE / f"{stem}.ipynb"
    nbformat.write(nb, path)
    return path


# --- getting_started ---------------------------------------------------------------------------
GETTING_STARTED = [
    md("""
    # Getting started: PyTorch from Tcl

    Every cell of this notebook is a Tcl script, run by the **Tcl (torch)** kernel. The interpreter
    is the Tcl that ships with Python's tkinter, with the `torch::` commands added; each command is
    a thin layer over real PyTorch. State lives on between cells, as in any notebook.

    Press <kbd>Tab</kbd> after `torch::` to list the commands and <kbd>Shift</kbd>+<kbd>Tab</kbd> on
    a command name to read its parameters.
    """),
    code("""
    set greeting "Tcl [info patchlevel]"
    puts "hello from $greeting"
    expr {6 * 7}
    """),
    md("""
    ## Tensors live behind handles

    A command that makes a tensor returns a *handle*: a short string such as `tensor1` that names
    the tensor inside the interpreter. You pass handles to other commands; the numbers themselves
    stay in PyTorch and are never copied into Tcl strings.
    """),
    code("""
    torch::manual_seed 0
    set a [torch::tensor_create {1 2 3 4 5 6} {2 3}]
    puts "handle:  $a"
    puts "shape:   [torch::tensor_shape $a]"
    puts "dtype:   [torch::tensor_dtype $a]"
    torch::tensor_print $a
    """),
    md("""
    Arithmetic works on handles, and a plain number can stand in for either operand. Options can
    be given by position or by name, in `-snake_case` or `-camelCase`.
    """),
    code("""
    set b [torch::ones {3 2}]
    set c [torch::tensor_matmul $a $b]
    puts [torch::tensor_print $c]
    puts [torch::tensor_print [torch::tensor_add $a 10]]
    puts [torch::tensor_print [torch::zeros -shape {2 2} -dtype int64]]
    torch::tensor_print [torch::tensor_mean $a]
    """),
    md("""
    A handle lives while anything can still reach it: a variable, a list, an argument on its way
    to a command. Intermediate results nobody holds go on their own, so loops need no cleanup.
    `torch::handles` lists what is alive, with sizes, and `torch::free` releases handles at once
    (it returns how many).
    """),
    code("""
    puts "live tensors: [llength [torch::handles -kind tensor]]"
    foreach h [torch::handles -kind tensor] {
        puts [format "  %-9s shape %-6s %s" [dict get $h handle] [list [dict get $h shape]] [dict get $h dtype]]
    }
    torch::free $b $c
    """),
    md("""
    ## Gradients

    A tensor created with `-requiresGrad true` records the operations applied to it.
    `torch::tensor_backward` on a scalar result fills in `torch::tensor_grad` of its leaves. Here
    the loss is the sum of squares, so its gradient is twice the input.
    """),
    code("""
    set w [torch::tensor_create {2.0 -1.0 0.5} -requiresGrad true]
    set loss [torch::tensor_sum [torch::tensor_mul $w $w]]
    torch::tensor_backward $loss
    puts "loss     = [torch::tensor_item $loss]"
    puts "gradient = [torch::tensor_print [torch::tensor_grad $w]]"
    """),
    md("""
    ## A tiny training loop

    We make a noisy linear data set, `y = 3 x0 - 2 x1 + 0.5`, and fit a single `torch::linear`
    layer to it with plain SGD. The loop is ordinary Tcl: zero the gradients, run the model,
    compute the loss, backpropagate, step the optimizer.

    While a cell trains, a small live dashboard appears in its output and follows the optimizer's
    learning rate and the loss we record with `torch::log_scalar`.
    """),
    code("""
    set x [torch::randn {200 2}]
    set true_w [torch::tensor_create {3.0 -2.0} {2 1}]
    set noise [torch::tensor_mul [torch::randn {200 1}] 0.1]
    set y [torch::tensor_add [torch::tensor_add [torch::tensor_matmul $x $true_w] 0.5] $noise]

    set model [torch::linear 2 1]
    set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.1]
    """),
    code("""
    for {set step 1} {$step <= 100} {incr step} {
        torch::optimizer_zero_grad $opt
        set out [torch::layer_forward $model $x]
        set loss [torch::mse_loss $out $y]
        torch::tensor_backward $loss
        torch::optimizer_step $opt
        set value [torch::tensor_item $loss]
        torch::log_scalar loss $value $step
        if {$step == 1 || $step % 20 == 0} { puts [format "step %3d  loss %.6f" $step $value] }
    }
    """),
    md("""
    The layer's parameters are its weight and its bias. After training they should be close to
    `3, -2` and `0.5`.
    """),
    code("""
    lassign [torch::layer_parameters $model] weight bias
    puts "weight: [torch::tensor_print $weight]"
    puts "bias:   [torch::tensor_print $bias]"
    jupyter::markdown "**Final training loss:** [format %.5f $value] after [expr {$step - 1}] steps"
    """),
    md("""
    ## Where to go next

    * `amp_workflow.ipynb`: mixed precision with autocast and a gradient scaler.
    * `lr_schedules.ipynb`: learning-rate schedules, explored and compared.
    * `python_magics.ipynb`: the same commands from a Python notebook, with tensors shared both ways.
    """),
]


# --- amp_workflow ------------------------------------------------------------------------------
AMP_WORKFLOW = [
    md("""
    # Mixed precision, step by step: autocast and the gradient scaler

    This notebook trains a small classifier with automatic mixed precision (AMP) on the CPU and
    watches the gradient scaler at work: how its scale grows while training is healthy, and what it
    does when a gradient overflows. Everything runs on a laptop CPU in a few seconds.

    The cells that train show a live dashboard in their output, updated as the steps happen: the
    loss scale (log2 axis, a red dot where a step was skipped, skipped steps shaded in every
    panel), the learning rate and the logged loss. Hover to read values, drag to zoom,
    double-click to see every step again.
    """),
    md("""
    ## Why scale the loss at all?

    Mixed precision runs the expensive parts of the forward pass (matrix products, linear layers)
    in a 16-bit float type, which halves memory traffic and is much faster on hardware built for it.
    The catch is the range of `float16`: its smallest positive (subnormal) value is about 6e-8 and
    its largest finite one is 65504; beyond that lies `inf`. Gradients of a deep network are often far smaller than the
    loss; in `float16` many of them round to **zero**, and the weights they belong to stop learning.

    Loss scaling works around that with one multiplication. Backpropagation is linear in the loss,
    so computing the gradients of `S * loss` gives `S` times the true gradients, large enough to
    survive in 16 bits. Before the optimizer uses them they are divided by `S` again, in
    `float32`, and the update is the same as without scaling.

    The cell below shows the effect on a single small number.
    """),
    code("""
    set tiny 1e-8
    set S 65536.0
    set lost   [torch::tensor_to [torch::full {} $tiny] cpu float16]
    set scaled [torch::tensor_to [torch::full {} [expr {$tiny * $S}]] cpu float16]
    set back   [torch::tensor_div [torch::tensor_to $scaled cpu float32] $S]
    puts "1e-8 stored as float16:               [torch::tensor_print $lost]"
    puts "1e-8 * $S stored as float16:      [torch::tensor_print $scaled]"
    puts "... divided by $S again in float32: [torch::tensor_print $back]"
    foreach value {1e-8 70000} {
        foreach dtype {float16 bfloat16} {
            puts [format "%-6s as %-8s -> %s" $value $dtype [torch::tensor_print [torch::tensor_to [torch::full {} $value] cpu $dtype]]]
        }
    }
    """),
    md("""
    Choosing `S` is the hard part: too small and gradients still vanish, too large and some
    gradient becomes `inf`. A **dynamic** gradient scaler does not choose once. It starts high and
    adjusts after every step:

    * if any gradient is `inf` or `NaN`, the optimizer step is **skipped** (the parameters stay as
      they were) and the scale is multiplied by the *backoff factor* (0.5);
    * after *growth interval* consecutive clean steps the scale is multiplied by the *growth
      factor* (2), to probe whether a larger scale is safe again.

    So the scale hovers just below the largest value the gradients tolerate, at the price of an
    occasional skipped step.

    **On the CPU.** CPU autocast normally uses `bfloat16`, which keeps the exponent range of `float32`
    (in the table above, 1e-8 survives and 70000 is only rounded), so real CPU training rarely overflows or
    underflows. The scaler's logic does not depend on the device, though, so we use it here exactly
    as one would with `float16` on a GPU, and we provoke the overflow ourselves.
    """),
    md("""
    ## The model, the data and the scaler

    Four Gaussian clusters in 16 dimensions, a two-layer network, SGD with momentum, and a scaler
    that starts at 1024 and doubles after every 25 clean steps (PyTorch's default interval is 2000;
    a short one makes the behaviour visible in a short run).
    """),
    code("""
    torch::manual_seed 0
    file mkdir out

    set centers [torch::tensor_mul [torch::randn {4 16}] 0.5]
    set labels  [torch::tensor_to [torch::tensor_create [lrepeat 64 0 1 2 3]] cpu int64]
    set onehot  [torch::tensor_create [concat {*}[lrepeat 64 {1 0 0 0} {0 1 0 0} {0 0 1 0} {0 0 0 1}]] {256 4}]
    set x [torch::tensor_add [torch::tensor_matmul $onehot $centers] [torch::randn {256 16}]]

    set model  [torch::sequential [list [torch::linear 16 32] [torch::linear 32 4]]]
    set opt    [torch::optimizer_sgd [torch::layer_parameters $model] 0.05 0.9]
    set scaler [torch::grad_scaler_new -initScale 1024.0 -growthFactor 2.0 -backoffFactor 0.5 \\
                    -growthInterval 25 -device cpu]
    torch::grad_scaler_state_dict $scaler
    """),
    md("""
    Autocast is switched on around the forward pass and the loss only. Inside it the linear layers
    compute in `bfloat16`; the loss itself is one of the operations autocast keeps in `float32`.
    """),
    code("""
    torch::autocast_enable cpu bfloat16
    set logits [torch::layer_forward $model $x]
    set probe  [torch::cross_entropy_loss $logits $labels]
    torch::autocast_disable cpu
    puts "logits: [torch::tensor_dtype $logits]   loss: [torch::tensor_dtype $probe]"
    torch::free $logits $probe
    return
    """),
    md("""
    ## One training step

    `train_step` is the whole AMP recipe. `grad_scaler_scale` multiplies the loss by the current
    scale before `backward`; `grad_scaler_step` unscales the gradients and steps the optimizer only
    if they are all finite; `grad_scaler_update` then backs off or grows the scale.

    The optional argument `poison` multiplies the loss by `inf` for that one step, to simulate a
    gradient overflow. The procedure prints a line whenever the scale changes.
    """),
    code("""
    set step 0
    set skipped {}

    proc param_checksum {} {
        set total 0.0
        foreach p [torch::layer_parameters $::model] {
            set total [expr {$total + [torch::tensor_item [torch::tensor_sum $p]]}]
        }
        return $total
    }

    proc train_step {{poison 0}} {
        global model opt scaler x labels step skipped
        incr step
        torch::optimizer_zero_grad $opt
        torch::autocast_enable cpu bfloat16
        set logits [torch::layer_forward $model $x]
        set loss [torch::cross_entropy_loss $logits $labels]
        torch::autocast_disable cpu
        set backprop $loss
        if {$poison} { set backprop [torch::tensor_mul $loss inf] }

        set before [torch::grad_scaler_get_scale $scaler]
        set scaled [torch::grad_scaler_scale $scaler $backprop]
        torch::tensor_backward $scaled
        torch::grad_scaler_step $scaler $opt
        torch::grad_scaler_update $scaler
        set after [torch::grad_scaler_get_scale $scaler]

        set value [torch::tensor_item $loss]
        torch::log_scalar loss $value $step
        if {$after < $before} {
            lappend skipped $step
            puts [format "step %3d  loss %.4f  overflow: step skipped, scale %g -> %g" $step $value $before $after]
        } elseif {$after > $before} {
            puts [format "step %3d  loss %.4f  scale grew %g -> %g" $step $value $before $after]
        }
        return $value
    }
    """),
    md("""
    ## Healthy training: the scale grows

    100 clean steps. With a growth interval of 25 the scale doubles four times, from 1024 to
    16384, while the loss goes down. The dashboard appears below at the first step and follows
    every step while the loop runs.
    """),
    code("""
    for {set i 0} {$i < 100} {incr i} { train_step }
    torch::dashboard save out/amp_growth.png
    puts "after $step steps: scale [torch::grad_scaler_get_scale $scaler], skipped so far: [llength $skipped]"
    """),
    md("""
    ## An overflow: backoff and a skipped step

    Now 80 more steps, and at step 140 the loss is multiplied by `inf`. Its gradients are then
    infinite, so:

    1. `grad_scaler_step` sees the non-finite gradients and does **not** call the optimizer: the
       parameters are exactly what they were (we check with a checksum);
    2. `grad_scaler_update` halves the scale and restarts the count of clean steps, so the next
       growth comes 25 steps after the overflow, at step 165.
    """),
    code("""
    set overflow_step 140
    for {set i 0} {$i < 80} {incr i} {
        if {$step + 1 == $overflow_step} {
            set before [param_checksum]
            train_step 1
            puts "           parameters unchanged by the skipped step: [expr {[param_checksum] == $before ? "yes" : "NO"}]"
        } else {
            train_step
        }
    }
    """),
    md("""
    The scaler's state now shows the backed-off-and-regrown scale and how many clean steps have
    passed since the last change (`_growth_tracker`).
    """),
    code("""
    torch::grad_scaler_state_dict $scaler
    """),
    md("""
    ## Saving the dashboard, and a summary

    `torch::dashboard save` writes the curves recorded so far as a PNG; `torch::telemetry_export`
    writes every record (scale, learning rate, logged loss) as CSV for later analysis. The files go
    to `out/` under the notebook's working directory.
    """),
    code("""
    torch::dashboard save out/amp_dashboard.png
    set records [torch::telemetry_export out/amp_telemetry.csv]
    jupyter::image out/amp_dashboard.png

    set logits [torch::layer_forward $model $x]
    set final_loss [torch::tensor_item [torch::cross_entropy_loss $logits $labels]]
    puts "steps:         $step"
    puts "final loss:    $final_loss"
    puts "final scale:   [torch::grad_scaler_get_scale $scaler]"
    puts "skipped steps: [expr {[llength $skipped] ? [join $skipped {, }] : {none}}]"
    puts "saved:         out/amp_growth.png out/amp_dashboard.png out/amp_telemetry.csv ($records records)"
    """),
    md("""
    ## What to take away

    * Autocast decides *which* operations run in low precision; the scaler protects the
      *gradients* from the narrow range of `float16`.
    * A skipped step is cheap and harmless: one batch is ignored and the scale halves.
    * Frequent skipped steps mean something else is wrong (a learning rate that is too high, a
      loss that really diverges): the scaler only hides rare, isolated overflows.
    """),
]


# --- lr_schedules ------------------------------------------------------------------------------
LR_SCHEDULES = [
    md("""
    # Learning-rate schedules, side by side

    `torch::lr_explore KIND ?options?` builds the schedule `KIND` (the same options as
    `torch::lr_scheduler_KIND`) on a throwaway optimizer, steps it `-steps` times and returns the
    learning rate at every step. In a notebook it also draws the curve, with a slider for each
    numeric option (the sliders recompute the curve while a kernel is connected). `-lr` is the
    optimizer's base learning rate; `-compare {{KIND ?options?} ...}` overlays other schedules.

    The runs below are 1000 steps long, the explorer's default. A small helper summarises a curve,
    so that the cells do not print a thousand numbers.
    """),
    code("""
    file mkdir out
    proc describe {curve} {
        set peak [tcl::mathfunc::max {*}$curve]
        set at [lsearch -exact -real $curve $peak]
        format "%d steps, starts at %.3g, peaks at %.4g on step %d, ends at %.3g" \\
            [llength $curve] [lindex $curve 0] $peak $at [lindex $curve end]
    }
    """),
    md("""
    ## Warmup

    At the very start of training the model's weights are random and an adaptive optimizer's
    running statistics are built from a handful of batches. Large steps then are risky: one bad
    update can throw the model into a region it never recovers from. A **warmup** raises the
    learning rate gradually from zero over the first steps, then hands over to the main schedule.

    Two simple variants: warm up and stay constant, or warm up and decay linearly to zero.
    """),
    code("""
    set linear [torch::lr_explore linear_with_warmup -numWarmupSteps 100 -numTrainingSteps 1000 \\
                    -steps 1000 -lr 0.01 -compare {{constant_with_warmup -numWarmupSteps 100}}]
    describe $linear
    """),
    md("""
    ## Inverse square root

    The schedule of the original Transformer recipes, in its plain form: a linear warmup to the
    base rate over `warmupSteps`, then decay proportional to `1/sqrt(step)`. It never reaches zero,
    which suits runs whose length is not known in advance. At four times the warmup length the
    rate is half the peak.
    """),
    code("""
    set isqrt [torch::lr_explore inverse_sqrt -warmupSteps 100 -lr 0.004]
    puts [describe $isqrt]
    format "step 400: %.4g (half of the peak)" [lindex $isqrt 400]
    """),
    md("""
    ## Noam

    The same shape, parameterised the way the Transformer paper wrote it: the peak is not a
    learning rate you choose but follows from the model width, `modelSize^-0.5 * warmup^-0.5`.
    It ignores the optimizer's own learning rate.

    So Noam *is* inverse-sqrt with `lr = (modelSize * warmup)^-0.5`; the cell checks that the two
    curves agree to rounding.
    """),
    code("""
    set noam [torch::lr_explore noam -modelSize 512 -warmupSteps 100]
    puts [describe $noam]
    set same [torch::lr_explore inverse_sqrt -warmupSteps 100 -lr [expr {1.0 / sqrt(512 * 100)}]]
    set diff 0.0
    foreach a $noam b $same { set diff [expr {max($diff, abs($a - $b))}] }
    format "largest difference from inverse_sqrt with lr = (512*100)^-0.5: %.1e" $diff
    """),
    md("""
    ## Cosine annealing

    Half a cosine wave from the base rate down to `etaMin` over `tMax` steps: it stays high for a
    long time, then falls steeply and flattens out at the end. It needs the run length up front.
    """),
    code("""
    set cosine [torch::lr_explore cosine -tMax 1000 -etaMin 0 -lr 0.004]
    describe $cosine
    """),
    md("""
    ## One cycle

    PyTorch's one-cycle policy: start at `maxLr / divFactor`, rise to `maxLr` over the first
    `pctStart` of the run (30 % by default, along a cosine), then anneal far below the start, to
    `maxLr / (divFactor * finalDivFactor)`. It also moves SGD's momentum (or Adam's beta1) the
    opposite way.
    """),
    code("""
    set cycle [torch::lr_explore one_cycle -maxLr 0.004 -totalSteps 1000 -lr 0.004]
    describe $cycle
    """),
    md("""
    ## All four on one plot

    With `-compare` the curves share one set of axes. The base rate is set to Noam's peak for
    512-wide models with 100 warmup steps (about 0.0044) so that the four have the same maximum and only their shapes
    differ. `-save` also writes the overlay as a PNG file.
    """),
    code("""
    set peak [format %.4g [expr {1.0 / sqrt(512 * 100)}]]
    set overlay [torch::lr_explore inverse_sqrt -warmupSteps 100 -lr $peak -compare [list \\
        {noam -modelSize 512 -warmupSteps 100} \\
        {cosine -tMax 1000} \\
        [list one_cycle -maxLr $peak -totalSteps 1000]] -save out/lr_compare.png]
    puts "saved out/lr_compare.png"
    foreach s {0 50 100 400 999} { puts [format "step %3d  inverse_sqrt %.5f" $s [lindex $overlay $s]] }
    """),
    md("""
    ## A curve is what training gets

    The explorer is a dry run of the real scheduler, not a formula. Stepping the same scheduler
    once per training step gives exactly the same learning rates, as this short run shows (the
    dashboard of the cell shows them too).
    """),
    code("""
    set w [torch::zeros {8} -requiresGrad true]
    set target [torch::randn {8}]
    set opt [torch::optimizer_adam [list $w] 0.002]
    set sched [torch::lr_scheduler_one_cycle $opt 0.002 300]
    set seen {}
    for {set i 0} {$i < 300} {incr i} {
        lappend seen [torch::get_lr $opt]
        torch::optimizer_zero_grad $opt
        set loss [torch::mse_loss $w $target]
        torch::tensor_backward $loss
        torch::optimizer_step $opt
        torch::lr_scheduler_step_update $sched
    }
    set expected [torch::lr_explore one_cycle -maxLr 0.002 -totalSteps 300 -steps 300 -lr 0.002]
    expr {$seen eq $expected ? "identical: 300 of 300 steps" : "different"}
    """),
]


# --- python_magics -----------------------------------------------------------------------------
PYTHON_MAGICS = [
    md("""
    # Tcl inside a Python notebook: `%tcl` and `%%tcl`

    This notebook runs on the ordinary Python kernel. The `torchtcl_kernel` extension adds two
    magics that run Tcl with the `torch::` commands in one interpreter shared by all cells:

    * `%tcl SCRIPT` runs one line;
    * `%%tcl -i NAMES -o NAMES` runs the cell; `-i` hands Python variables to Tcl, `-o` brings Tcl
      variables back afterwards.

    Tensors cross in both directions **without copying**: a tensor handed to Tcl becomes a handle
    to the very same `torch.Tensor`, and a handle brought back is that tensor again.
    """),
    code("""
    %load_ext torchtcl_kernel
    import torch
    """),
    code("""
    %tcl torch::tensor_shape [torch::ones {2 5}]
    """),
    md("""
    ## Passing tensors both ways

    `x` is made in Python. The cell reshapes it in Tcl (a reshape of a contiguous tensor is a
    view) and hands the result back as `y`.
    """),
    code("""
    x = torch.arange(6.0)
    scale = 10
    """),
    code("""
    %%tcl -i x,scale -o y -o total
    set y [torch::tensor_reshape $x {2 3}]
    set total [expr {[torch::tensor_item [torch::tensor_sum $x]] * $scale}]
    puts "in Tcl: x is $x, y is $y with shape [torch::tensor_shape $y]"
    """),
    code("""
    print(type(y).__name__, tuple(y.shape), "total =", total)
    print("x.data_ptr() =", x.data_ptr())
    print("y.data_ptr() =", y.data_ptr())
    print("same memory:", y.data_ptr() == x.data_ptr())
    """),
    md("""
    Because the memory is shared, an in-place change on one side is visible on the other: Python
    writes into `x`, and Tcl sees it through `y`.
    """),
    code("""
    x[0] = 100.0
    """),
    code("""
    %tcl torch::tensor_print $y
    """),
    md("""
    ## Python owns the data, Tcl trains

    A typical split: data and parameters come from Python, a training loop written in Tcl updates
    the parameters, and Python inspects the result. The optimizer updates `w` in place, so `w` in
    Python is the trained tensor (same `data_ptr`), and no `-o` is needed for it. As in the Tcl
    kernel, a cell that trains shows the live dashboard.
    """),
    code("""
    torch.manual_seed(0)
    features = torch.randn(128, 3)
    true_w = torch.tensor([1.5, -0.5, 2.0])
    targets = features @ true_w + 0.05 * torch.randn(128)
    w = torch.zeros(3, requires_grad=True)
    w_ptr = w.data_ptr()
    """),
    code("""
    %%tcl -i features,targets,w -o final_loss
    set opt [torch::optimizer_sgd [list $w] 0.1]
    for {set step 0} {$step < 150} {incr step} {
        torch::optimizer_zero_grad $opt
        set pred [torch::tensor_matmul $features $w]
        set loss [torch::mse_loss $pred $targets]
        torch::tensor_backward $loss
        torch::optimizer_step $opt
        torch::log_scalar loss [torch::tensor_item $loss]
    }
    set final_loss [torch::tensor_item [torch::mse_loss [torch::tensor_matmul $features $w] $targets]]
    """),
    code("""
    print("w =", [round(v, 3) for v in w.tolist()], " (true:", true_w.tolist(), ")")
    print("final loss:", final_loss)
    print("w is still the same tensor:", w.data_ptr() == w_ptr)
    """),
    md("""
    ## Errors

    A Tcl error stops the cell and shows as one line, like this (not run here, since the notebook
    is executed in the tests and must run without errors):

    ```
    %tcl torch::tensor_shape nosuch
    TclError: Invalid tensor name: nosuch
    ```
    """),
]


NOTEBOOKS = {
    "getting_started": (TCL_KERNEL, GETTING_STARTED),
    "amp_workflow": (TCL_KERNEL, AMP_WORKFLOW),
    "lr_schedules": (TCL_KERNEL, LR_SCHEDULES),
    "python_magics": (PYTHON_KERNEL, PYTHON_MAGICS),
}


def main():
    for stem, (metadata, cells) in NOTEBOOKS.items():
        print(build(stem, metadata, cells).relative_to(HERE.parent))


if __name__ == "__main__":
    main()
