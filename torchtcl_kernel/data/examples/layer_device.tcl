# Where does a layer keep its weights?
set conv [torch::conv2d 1 4 3]
puts "conv layer on [torch::layer_device $conv]"
puts "named syntax: [torch::layer_device -layer $conv]"
