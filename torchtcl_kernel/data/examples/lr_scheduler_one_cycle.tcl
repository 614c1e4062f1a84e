# One cycle over 10 steps: up to maxLr 0.1 for 30% of them, then far below the start.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.01 0.9]
set s [torch::lr_scheduler_one_cycle $opt 0.1 10]
set lrs {}
for {set i 0} {$i < 10} {incr i} {
    lappend lrs [format %.4f [torch::get_lr $opt]]
    torch::lr_scheduler_step_update $s
}
puts "LR per step: $lrs"
