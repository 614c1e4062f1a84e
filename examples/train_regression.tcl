# Fit a small two-layer model to a noisy linear target with plain SGD.
# Run it with:  torchtcl run examples/train_regression.tcl ?steps?
set steps [expr {$argc > 0 ? [lindex $argv 0] : 300}]
torch::manual_seed 0

# Data: y = x . w_true + 0.5 + noise
set x [torch::randn {256 8}]
set w_true [torch::randn {8 1}]
set noise [torch::tensor_mul [torch::randn {256 1}] 0.05]
set y [torch::tensor_add [torch::tensor_add [torch::tensor_matmul $x $w_true] 0.5] $noise]

set model [torch::sequential [list [torch::linear 8 16] [torch::linear 16 1]]]
set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.05]

for {set step 1} {$step <= $steps} {incr step} {
    torch::optimizer_zero_grad $opt
    set loss [torch::mse_loss [torch::layer_forward $model $x] $y]
    torch::tensor_backward $loss
    torch::optimizer_step $opt
    if {$step == 1 || $step % 50 == 0} {
        puts [format "step %4d  loss %.6f" $step [torch::tensor_item $loss]]
    }
    torch::free $loss
}
