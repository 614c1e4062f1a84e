# The learning rate a scheduler last set, asked of the scheduler itself.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
set s [torch::lr_scheduler_multi_step $opt {2 4} 0.1]
for {set i 0} {$i < 5} {incr i} {
    puts "step $i: [format %g [torch::get_lr_advanced $s]]"
    torch::lr_scheduler_step_update $s
}
