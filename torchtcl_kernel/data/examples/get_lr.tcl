# The optimizer's learning rate, as a scheduler has left it.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_adam [list $w] 0.01]
puts "before: [torch::get_lr $opt]"
set s [torch::lr_scheduler_exponential $opt 0.1]
torch::lr_scheduler_step_update $s
puts "after one decay step: [torch::get_lr -optimizer $opt]"
