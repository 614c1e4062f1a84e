# Write every record so far (logged scalars, learning rates, loss scales) to a CSV file.
set w [torch::zeros {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
torch::log_scalar loss 0.5
torch::optimizer_step $opt
close [file tempfile path /tmp/telemetry.csv]
puts "wrote [torch::telemetry_export $path] records to a [file extension $path] file:"
set f [open $path]
puts -nonewline [read $f]
close $f
file delete $path
