# The Transformer schedule for a 512-wide model with 4 warmup steps: up, then down as 1/sqrt(step).
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_adam [list $w] 1.0]
set s [torch::lr_scheduler_noam $opt 512 4]
set lrs {}
for {set i 0} {$i < 9} {incr i} {
    lappend lrs [format %.4f [torch::get_lr $opt]]
    torch::lr_scheduler_step_update $s
}
puts "LR per step: $lrs"
