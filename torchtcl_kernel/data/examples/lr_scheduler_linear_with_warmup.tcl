# Up over 2 warmup steps, then linearly down to 0 at step 6.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
set s [torch::lr_scheduler_linear_with_warmup $opt 2 6]
set lrs {}
for {set i 0} {$i < 8} {incr i} {
    lappend lrs [format %.3f [torch::get_lr $opt]]
    torch::lr_scheduler_step_update $s
}
puts "LR per step: $lrs"
