# With an optimizer it creates a StepLR (halve every 2 steps); with a scheduler it advances it.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
set s [torch::lr_scheduler_step $opt 2 0.5]
set lrs {}
for {set i 0} {$i < 6} {incr i} {
    lappend lrs [torch::get_lr $opt]
    torch::lr_scheduler_step $s
}
puts "$s: $lrs"
