# Four 1 x 1 channels become one 2 x 2 image: a sub-pixel upscaling by 2.
set x [torch::tensor_reshape [torch::tensor_create {1.0 2.0 3.0 4.0}] {1 4 1 1}]
set y [torch::pixel_shuffle $x 2]
puts "[torch::tensor_shape $y]: [torch::tensor_print $y]"
