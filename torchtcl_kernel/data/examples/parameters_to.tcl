# Cast a layer's parameters in place: their handles and the layer see the change.
set fc [torch::linear 2 2]
set params [torch::layer_parameters $fc]
puts [torch::parameters_to $params cpu float64]
puts "weight is now [torch::tensor_dtype [lindex $params 0]]"
puts "layer output: [torch::tensor_dtype [torch::layer_forward $fc [torch::ones {1 2} -dtype float64]]]"
