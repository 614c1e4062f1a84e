# The same schedule as lr_scheduler_cosine, here by name: down to 0 over 8 steps.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 1.0]
set s [torch::lr_scheduler_cosine_annealing -optimizer $opt -tMax 8]
set lrs {}
for {set i 0} {$i <= 8} {incr i} {
    lappend lrs [format %.3f [torch::get_lr $opt]]
    torch::lr_scheduler_step_update $s
}
puts "LR per step: $lrs"
