# Stop the profiler and save what it recorded as a Chrome trace (JSON).
close [file tempfile trace .json]
torch::profiler_start
torch::tensor_add [torch::ones {8}] [torch::ones {8}]
puts [torch::profiler_stop -trace $trace]
set f [open $trace]
set json [read $f]
close $f
file delete $trace
puts "trace has aten::add: [expr {[string first {"aten::add"} $json] >= 0}]"
