# SELU: a scaled ELU whose constants keep activations near zero mean, unit variance.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::selu $x]]
