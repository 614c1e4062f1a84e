# Two channels in, three out: the weight is (in, out, kernel) for a transposed convolution.
set x [torch::ones {1 2 4}]
set w [torch::ones {2 3 3}]
set y [torch::tensor_conv_transpose1d $x $w]
puts "[torch::tensor_shape $y]: [torch::tensor_print [torch::tensor_slice $y 1 0 1]]"
puts [torch::tensor_shape [torch::tensorConvTranspose1d -input $x -weight $w -stride 2 -output_padding 1]]
