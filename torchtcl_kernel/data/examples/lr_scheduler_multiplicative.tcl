# Each step multiplies the current LR by the factor (here 0.5, then a lambda that slows the decay).
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 1.0]
set s [torch::lr_scheduler_multiplicative $opt 0.5]
torch::lr_scheduler_step_update $s
torch::lr_scheduler_step_update $s
puts "after two steps of x0.5: [torch::get_lr $opt]"
set opt2 [torch::optimizer_sgd [list $w] 1.0]
set s2 [torch::lr_scheduler_multiplicative $opt2 {epoch {expr {$epoch <= 2 ? 0.1 : 1.0}}}]
foreach i {1 2 3} { torch::lr_scheduler_step_update $s2 }
puts "x0.1 twice, then x1: [format %.4f [torch::get_lr $opt2]]"
