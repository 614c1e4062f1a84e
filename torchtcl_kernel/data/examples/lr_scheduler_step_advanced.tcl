# Plateau schedulers judge a metric: a loss that stops improving cuts the LR by factor.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
set s [torch::lr_scheduler_plateau $opt min 0.5 2]
foreach loss {1.0 0.8 0.8 0.8 0.8 0.8 0.8} {
    torch::lr_scheduler_step_advanced $s $loss
    puts "loss $loss -> lr [torch::get_lr_advanced $s]"
}
