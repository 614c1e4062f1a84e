# Exponential decay by 0.5 per step (gamma must lie in (0, 1]).
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.8]
set s [torch::lr_scheduler_exponential_decay $opt -gamma 0.5]
set lrs {}
for {set i 0} {$i < 5} {incr i} {
    lappend lrs [torch::get_lr $opt]
    torch::lr_scheduler_step_update $s
}
puts "LR per step: $lrs"
