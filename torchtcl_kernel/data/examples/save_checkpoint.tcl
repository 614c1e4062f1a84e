# Save a model, its optimizer and its LR schedule after a training step, with the epoch's metrics.
set net [torch::linear 3 1]
set opt [torch::optimizer_sgd [torch::layer_parameters $net] 0.1 0.9]
set sched [torch::lr_scheduler_step $opt 10 0.5]
set x [torch::tensor_create {{1.0 2.0 3.0} {0.5 0.0 -1.0}}]
set loss [torch::tensor_mean [torch::layer_forward $net $x]]
torch::tensor_backward $loss
torch::optimizer_step $opt
close [file tempfile path /tmp/epoch3.pt]
puts [torch::save_checkpoint $net $opt $path 3 [torch::tensor_item $loss] 0.1 -scheduler $sched]
file delete $path
