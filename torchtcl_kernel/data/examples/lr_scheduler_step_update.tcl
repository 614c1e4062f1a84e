# Advance a scheduler once per training step (here an exponential decay by 0.5).
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 1.0]
set s [torch::lr_scheduler_exponential $opt 0.5]
foreach i {1 2 3} {
    puts "[torch::lr_scheduler_step_update $s]: lr [torch::get_lr $opt]"
}
