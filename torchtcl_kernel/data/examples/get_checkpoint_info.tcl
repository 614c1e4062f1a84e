# Read a checkpoint's epoch and loss without loading it into anything.
set net [torch::linear 4 1]
set opt [torch::optimizer_sgd [torch::layer_parameters $net] 0.05]
close [file tempfile path /tmp/best.pt]
torch::save_checkpoint $net $opt $path 7 0.0831 0.05
set info [torch::get_checkpoint_info -file $path]
puts "best epoch [dict get $info epoch], loss [dict get $info loss]"
file delete $path
