# A 3x3 kernel over a single pixel reproduces the kernel (the transposed view of convolution).
set pixel [torch::ones {1 1 1 1}]
set k [torch::tensor_create {{{{1.0 2.0 3.0} {4.0 5.0 6.0} {7.0 8.0 9.0}}}}]
puts [torch::tensor_print [torch::tensor_conv_transpose2d $pixel $k]]
puts [torch::tensor_shape [torch::tensorConvTranspose2d -input [torch::ones {1 1 3 3}] -weight $k -stride {2 1}]]
