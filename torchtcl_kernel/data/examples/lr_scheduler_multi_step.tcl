# LR x 0.1 at steps 3 and 5.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 1.0]
set s [torch::lr_scheduler_multi_step $opt {3 5} 0.1]
set lrs {}
for {set i 0} {$i < 7} {incr i} {
    lappend lrs [format %g [torch::get_lr $opt]]
    torch::lr_scheduler_step_update $s
}
puts "LR per step: $lrs"
