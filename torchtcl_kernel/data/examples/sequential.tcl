# Two layers chained: a batch of 5 inputs of 4 features becomes 5 outputs of 1.
torch::manual_seed 0
set model [torch::sequential [list [torch::linear 4 8] [torch::linear 8 1]]]
set out [torch::layer_forward $model [torch::randn {5 4}]]
puts "output shape [torch::tensor_shape $out]"
puts "parameter tensors: [llength [torch::layer_parameters $model]]"
