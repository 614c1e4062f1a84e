# Accuracy should go up (mode max); after a cut, wait 1 step (cooldown) and never go below 0.02.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
set s [torch::lr_scheduler_reduce_on_plateau $opt max 0.5 1 -cooldown 1 -minLr 0.02]
foreach accuracy {0.50 0.60 0.60 0.60 0.60 0.60 0.60 0.60 0.60} {
    torch::lr_scheduler_step_advanced $s $accuracy
    lappend lrs [format %.3f [torch::get_lr $opt]]
}
puts "LR after each metric: $lrs"
