# Record the operators a few commands run, with their input shapes.
torch::profiler_start record_shapes=1,verbose=1
set a [torch::randn -shape {32 32}]
set b [torch::tensor_matmul $a $a]
set table [torch::profiler_stop]
# the table's header and its most expensive operator
puts [join [lrange [split $table \n] 0 3] \n]
