# One cycle with linear annealing, a quarter of the steps warming up, and a chosen final floor.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_adam [list $w] 0.001]
set s [torch::lr_scheduler_onecycle_advanced $opt 0.1 8 0.25 linear 10.0 100.0]
set lrs {}
for {set i 0} {$i < 8} {incr i} {
    lappend lrs [format %.4f [torch::get_lr $opt]]
    torch::lr_scheduler_step_update $s
}
puts "LR per step: $lrs"
