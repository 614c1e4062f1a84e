# A flatten layer turns a batch of 2 feature maps of 3x4x4 into 2 rows of 48 for a linear layer.
set model [torch::sequential [list [torch::nn_flatten] [torch::linear 48 5]]]
set maps [torch::randn {2 3 4 4}]
puts "flattened: [torch::tensor_shape [torch::layer_forward [torch::nn_flatten] $maps]]"
puts "model output: [torch::tensor_shape [torch::layer_forward $model $maps]]"
