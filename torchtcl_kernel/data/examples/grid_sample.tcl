# Read a 3 x 3 image at its centre and halfway to the right edge (bilinear).
set img [torch::tensor_reshape [torch::arange 1 10 1 float32] {1 1 3 3}]
set points [torch::tensor_create {{{{0.0 0.0} {0.5 0.0}}}} float32]
set values [torch::grid_sample -input $img -grid $points -alignCorners 1]
puts [torch::tensor_print $values]
