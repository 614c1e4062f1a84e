# Shifting right by n divides by 2 to the n, rounding down (also for negative numbers).
set x [torch::tensor_create {100 -100 7} int64]
puts [torch::tensor_print [torch::bitwise_right_shift $x 2]]
