# SiLU (swish): x * sigmoid(x).
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::silu $x]]
