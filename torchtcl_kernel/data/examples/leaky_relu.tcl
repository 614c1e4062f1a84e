# Negative inputs are scaled instead of zeroed (default slope 0.01).
set x [torch::tensor_create {-10.0 -1.0 0.0 3.0}]
puts [torch::tensor_print [torch::leaky_relu $x]]
puts [torch::tensor_print [torch::leaky_relu -input $x -negativeSlope 0.2]]
