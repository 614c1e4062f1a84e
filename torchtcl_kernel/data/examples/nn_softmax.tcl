# The softmax activation as a layer, run by torch::layer_forward.
set x [torch::tensor_create {{1.0 2.0 3.0}}]
set act [torch::nn_softmax 1]
puts [torch::tensor_print [torch::layer_forward $act $x]]
