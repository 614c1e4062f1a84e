# Mixed-precision training from Tcl: autocast (bfloat16 on the CPU) + a gradient scaler + SGD.
# A synthetic 4-class problem; at one step the loss is made infinite on purpose, to show the scaler
# skipping that optimizer step and backing off its scale.
#
#   torchtcl run examples/amp_training.tcl ?steps? ?overflow_step?
set steps         [expr {$argc > 0 ? [lindex $argv 0] : 200}]
set overflow_step [expr {$argc > 1 ? [lindex $argv 1] : 50}]
torch::manual_seed 0

# Data: four Gaussian blobs in 16 dimensions.
set centers [torch::tensor_mul [torch::randn {4 16}] 0.4]
set labels  [torch::tensor_to [torch::tensor_create [lrepeat 64 0 1 2 3]] cpu int64]
set onehot  [torch::tensor_create [concat {*}[lrepeat 64 {1 0 0 0} {0 1 0 0} {0 0 1 0} {0 0 0 1}]] {256 4}]
set x [torch::tensor_add [torch::tensor_matmul $onehot $centers] [torch::randn {256 16}]]

set model  [torch::sequential [list [torch::linear 16 32] [torch::linear 32 4]]]
set opt    [torch::optimizer_sgd [torch::layer_parameters $model] 0.01 0.9]
set scaler [torch::grad_scaler_new -initScale 1024.0 -growthInterval 25]

set skipped {}
puts [format "%5s %10s %8s %s" step loss scale note]
for {set step 1} {$step <= $steps} {incr step} {
    torch::optimizer_zero_grad $opt
    torch::autocast_enable cpu bfloat16
    set logits [torch::layer_forward $model $x]
    torch::autocast_disable cpu
    set loss [torch::cross_entropy_loss $logits $labels]
    set backprop $loss
    if {$step == $overflow_step} { set backprop [torch::tensor_mul $loss inf] }

    set before [torch::grad_scaler_get_scale $scaler]
    torch::tensor_backward [torch::grad_scaler_scale $scaler $backprop]
    torch::grad_scaler_step $scaler $opt
    torch::grad_scaler_update $scaler
    set scale [torch::grad_scaler_get_scale $scaler]

    set note ""
    if {$scale < $before} { lappend skipped $step; set note "overflow: step skipped, scale backed off" }
    if {$scale > $before} { set note "25 clean steps: scale grew" }
    if {$step == 1 || $step % 25 == 0 || $note ne ""} {
        puts [format "%5d %10.6f %8.0f %s" $step [torch::tensor_item $loss] $scale $note]
    }
    torch::free $logits $backprop $loss
}
puts ""
puts "steps:         $steps"
puts "final loss:    [format %.6f [torch::tensor_item [torch::cross_entropy_loss [torch::layer_forward $model $x] $labels]]]"
puts "final scale:   [torch::grad_scaler_get_scale $scaler]"
# "skipped steps: 1 of 200 (at step 50)": the steps' numbers alone would read as a count.
set n [llength $skipped]
puts "skipped steps: $n of $steps[expr {$n ? " (at step[expr {$n > 1 ? "s" : ""}] [join $skipped {, }])" : ""}]"
