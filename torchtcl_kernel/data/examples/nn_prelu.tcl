# A PReLU layer learns its negative slope; it starts at -init.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
set act [torch::nn_prelu -init 0.1]
puts [torch::tensor_print [torch::layer_forward $act $x]]
puts "parameters: [llength [torch::layer_parameters $act]]"
