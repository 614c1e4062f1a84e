# Halve the LR when the loss has not improved for 2 steps (step it with a metric).
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 1.0]
set s [torch::lr_scheduler_plateau $opt min 0.5 2]
foreach loss {0.9 0.7 0.7 0.7 0.7 0.7 0.7 0.7} {
    torch::lr_scheduler_step_advanced $s $loss
    lappend lrs [torch::get_lr $opt]
}
puts "LR after each metric: $lrs"
