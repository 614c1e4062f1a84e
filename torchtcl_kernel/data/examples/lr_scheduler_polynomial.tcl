# (1 - step/4)^2 times the initial LR, reaching 0 at step 4.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 1.0]
set s [torch::lr_scheduler_polynomial $opt 4 2.0]
set lrs {}
for {set i 0} {$i < 6} {incr i} {
    lappend lrs [format %.4f [torch::get_lr $opt]]
    torch::lr_scheduler_step_update $s
}
puts "LR per step: $lrs"
