# A new layer is in training mode (random slopes); model_eval fixes the slope.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
set act [torch::nn_rrelu 0.1 0.3]
torch::model_eval $act
puts [torch::tensor_print [torch::layer_forward $act $x]]
