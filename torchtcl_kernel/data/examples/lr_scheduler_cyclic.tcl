# A triangle between 0.01 and 0.1, 2 steps up and 2 down.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.01 0.9]
set s [torch::lr_scheduler_cyclic $opt 0.01 0.1 2]
set lrs {}
for {set i 0} {$i < 9} {incr i} {
    lappend lrs [format %.3f [torch::get_lr $opt]]
    torch::lr_scheduler_step_update $s
}
puts "LR per step: $lrs"
