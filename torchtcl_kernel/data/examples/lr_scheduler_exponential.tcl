# LR x 0.9 every step.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 1.0]
set s [torch::lr_scheduler_exponential $opt 0.9]
set lrs {}
for {set i 0} {$i < 5} {incr i} {
    lappend lrs [format %.4f [torch::get_lr $opt]]
    torch::lr_scheduler_step_update $s
}
puts "LR per step: $lrs"
