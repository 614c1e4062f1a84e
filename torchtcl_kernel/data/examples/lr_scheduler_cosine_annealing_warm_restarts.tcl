# Cosine cycles that restart: the first lasts 2 steps, each next one twice as long.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 1.0]
set s [torch::lr_scheduler_cosine_annealing_warm_restarts $opt 2 2]
set lrs {}
for {set i 0} {$i < 8} {incr i} {
    lappend lrs [format %.2f [torch::get_lr $opt]]
    torch::lr_scheduler_step_update $s
}
puts "LR per step: $lrs"
