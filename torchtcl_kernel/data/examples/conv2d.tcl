# A layer turning RGB images into 8 feature maps; padding 1 keeps a 3x3 kernel's output 32x32.
torch::manual_seed 0
set layer [torch::conv2d 3 8 3 1 1]
set images [torch::randn -shape {2 3 32 32}]
puts "features: [torch::tensor_shape [torch::layer_forward $layer $images]]"
# With tensors it convolves at once: a 2x2 averaging kernel, stride 2.
set x [torch::arange 0 16 -dtype float32]
set x [torch::tensor_reshape $x {1 1 4 4}]
set avg [torch::full {1 1 2 2} 0.25]
puts [torch::tensor_print [torch::conv2d -input $x -weight $avg -stride 2]]
