# Sums over 2x2x2 cubes of a 3x3x3 volume of ones: every output is 8.
set volume [torch::ones {1 1 3 3 3}]
set cube [torch::ones {1 1 2 2 2}]
set out [torch::conv3d $volume $cube]
puts "[torch::tensor_shape $out]: [torch::tensor_print [torch::tensor_reshape $out {-1}]]"
# Anisotropic stride and padding, one value per dimension.
set out [torch::conv3d -input $volume -weight $cube -stride {1 2 2} -padding {0 1 1}]
puts [torch::tensor_shape $out]
