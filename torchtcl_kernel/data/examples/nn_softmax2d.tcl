# The softmax2d activation as a layer, run by torch::layer_forward.
set x [torch::tensor_reshape [torch::tensor_create {1.0 2.0 3.0 4.0}] {1 2 1 2}]
set act [torch::nn_softmax2d]
puts [torch::tensor_print [torch::layer_forward $act $x]]
