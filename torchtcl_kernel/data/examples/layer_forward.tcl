# Run a layer: a batch of 2 rows through a 3 -> 1 linear layer.
torch::manual_seed 0
set layer [torch::linear 3 1]
set x [torch::tensor_create {{1 2 3} {4 5 6}}]
set y [torch::layer_forward $layer $x]
puts "output shape [torch::tensor_shape $y]"
puts [torch::tensor_print $y]
