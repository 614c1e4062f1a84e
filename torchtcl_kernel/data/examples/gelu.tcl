# GELU weights each value by the normal CDF at that value.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::gelu $x]]
puts [torch::tensor_print [torch::gelu -input $x -approximate tanh]]
