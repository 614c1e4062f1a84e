# Rounds down, so negative values move away from zero.
set x [torch::tensor_create {2.7 -2.3 5.0 -0.1}]
puts [torch::tensor_print [torch::floor $x]]
