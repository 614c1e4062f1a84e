# Under CPU autocast with bfloat16, matrix products run in bfloat16.
set a [torch::randn {4 4}]
set b [torch::randn {4 4}]
puts [torch::autocast_enable cpu bfloat16]
puts "matmul under autocast: [torch::tensor_dtype [torch::tensor_matmul $a $b]]"
torch::autocast_disable cpu
puts "matmul after:          [torch::tensor_dtype [torch::tensor_matmul $a $b]]"
