# cosh is even and never below 1: the shape of a hanging chain.
set x [torch::tensor_create {-2.0 0.0 2.0}]
puts [torch::tensor_print [torch::cosh $x]]
