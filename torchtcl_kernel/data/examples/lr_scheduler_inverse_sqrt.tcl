# Warm up over 4 steps to the optimizer's LR, then decay as sqrt(4 / step).
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 1.0]
set s [torch::lr_scheduler_inverse_sqrt $opt 4]
set lrs {}
for {set i 0} {$i <= 16} {incr i} {
    if {$i in {0 2 4 9 16}} { lappend lrs "$i:[format %.3f [torch::get_lr $opt]]" }
    torch::lr_scheduler_step_update $s
}
puts "step:LR $lrs"
