# PReLU with one slope per channel (dim 1) for the negative values.
set x [torch::tensor_create {{-2.0 -2.0 4.0} {1.0 -1.0 -3.0}}]
set x [torch::tensor_reshape $x {1 2 3}]
set slopes [torch::tensor_create {0.1 0.5}]
puts [torch::tensor_print [torch::prelu $x $slopes]]
