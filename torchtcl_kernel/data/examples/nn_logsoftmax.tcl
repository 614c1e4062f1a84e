# The logsoftmax activation as a layer, run by torch::layer_forward.
set x [torch::tensor_create {{2.0 0.5 -1.0}}]
set act [torch::nn_logsoftmax 1]
puts [torch::tensor_print [torch::layer_forward $act $x]]
