# A 4 x 4 image folded into 4 channels of 2 x 2: each channel takes every other pixel.
set img [torch::tensor_reshape [torch::arange 0 16 1 float32] {1 1 4 4}]
set folded [torch::pixel_unshuffle -input $img -downscaleFactor 2]
puts "shape [torch::tensor_shape $folded]"
puts [torch::tensor_print $folded]
