# Run a linear layer with other weights, leaving the layer itself unchanged.
set layer [torch::linear 2 1]
set x [torch::tensor_create {{1.0 2.0}}]
set swapped [dict create weight [torch::tensor_create {{10.0 1.0}}] bias [torch::zeros {1}]]
puts [torch::tensor_print [torch::functional_call $layer $swapped $x]]
