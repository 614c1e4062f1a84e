# Change autocast's dtype while it stays on: bfloat16, then back to full float32.
set a [torch::ones {2 2}]
torch::autocast_enable cpu bfloat16
puts "bfloat16: [torch::tensor_dtype [torch::tensor_matmul $a $a]]"
puts [torch::autocast_set_dtype float32 cpu]
puts "float32:  [torch::tensor_dtype [torch::tensor_matmul $a $a]]"
torch::autocast_disable cpu
