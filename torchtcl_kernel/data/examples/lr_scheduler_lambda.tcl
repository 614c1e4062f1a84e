# The LR is the initial LR times a factor of the epoch: a Tcl lambda, or a number m meaning m^epoch.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 1.0]
set s [torch::lr_scheduler_lambda $opt {epoch {expr {1.0 / ($epoch + 1)}}}]
set lrs {}
for {set i 0} {$i < 5} {incr i} {
    lappend lrs [format %.3f [torch::get_lr $opt]]
    torch::lr_scheduler_step_update $s
}
puts "1/(epoch+1): $lrs"
