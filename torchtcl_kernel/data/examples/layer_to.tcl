# Move a layer to a device and cast it to double precision, in place.
torch::manual_seed 1
set fc [torch::linear 3 1]
torch::layer_to $fc cpu float64
set x [torch::tensor_create -data {{0.5 -1.0 2.0}} -dtype float64]
set y [torch::layer_forward $fc $x]
puts "output [torch::tensor_print $y] is [torch::tensor_dtype $y]"
