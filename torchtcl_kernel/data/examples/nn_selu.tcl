# The selu activation as a layer, run by torch::layer_forward.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
set act [torch::nn_selu]
puts [torch::tensor_print [torch::layer_forward $act $x]]
