# Linear warmup over 4 steps, then the optimizer's own LR (0.1) for good.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
set s [torch::lr_scheduler_constant_with_warmup $opt 4]
set lrs {}
for {set i 0} {$i < 7} {incr i} {
    lappend lrs [format %.3f [torch::get_lr $opt]]
    torch::lr_scheduler_step_update $s
}
puts "LR per step: $lrs"
