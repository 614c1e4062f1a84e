# Shifting left by n multiplies by 2 to the n.
set x [torch::tensor_create {1 3 5} int32]
puts [torch::tensor_print [torch::bitwise_left_shift $x 4]]
set by [torch::tensor_create {0 1 2} int32]
puts [torch::tensor_print [torch::bitwiseLeftShift -input $x -other $by]]
