# Negative values become 0, the rest pass through.
set x [torch::tensor_create {-2.0 -0.5 0.0 1.5}]
puts [torch::tensor_print [torch::tensor_relu $x]]
