# The glu activation as a layer, run by torch::layer_forward.
set x [torch::tensor_create {{1.0 2.0 0.0 -4.0}}]
set act [torch::nn_glu]
puts [torch::tensor_print [torch::layer_forward $act $x]]
