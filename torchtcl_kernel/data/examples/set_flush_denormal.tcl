# Denormal doubles (below about 2.2e-308) survive arithmetic unless flushing is on.
set tiny [torch::tensor_create -data {1e-310} -dtype float64]
puts "flushing off: [torch::tensor_print [torch::tensor_mul $tiny 1.0]]"
puts [torch::set_flush_denormal 1]
puts "flushing on:  [torch::tensor_print [torch::tensor_mul $tiny 1.0]]"
puts [torch::set_flush_denormal -enabled 0]
