# Cosine annealing from 0.1 down to 0.01 over 4 steps.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
set s [torch::lr_scheduler_cosine $opt 4 0.01]
set lrs {}
for {set i 0} {$i <= 4} {incr i} {
    lappend lrs [format %.4f [torch::get_lr $opt]]
    torch::lr_scheduler_step_update $s
}
puts "LR per step: $lrs"
