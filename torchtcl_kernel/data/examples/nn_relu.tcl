# A ReLU layer between two linear layers: one model, one forward call.
torch::manual_seed 0
set model [torch::sequential [list [torch::linear 3 4] [torch::nn_relu] [torch::linear 4 2]]]
set x [torch::tensor_create {{1.0 -2.0 0.5}}]
puts [torch::tensor_shape [torch::layer_forward $model $x]]
puts [torch::tensor_print [torch::layer_forward [torch::nn_relu] $x]]
