# Mish: x * tanh(softplus(x)), smooth and slightly negative left of zero.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::mish $x]]
