# A 3 -> 2 fully connected layer: a 2 x 3 weight and a bias of 2.
torch::manual_seed 0
set layer [torch::linear 3 2]
foreach p [torch::layer_parameters $layer] { puts "parameter of shape [torch::tensor_shape $p]" }
set nobias [torch::linear -inFeatures 3 -outFeatures 2 -bias false]
puts "without bias: [llength [torch::layer_parameters $nobias]] parameter"
