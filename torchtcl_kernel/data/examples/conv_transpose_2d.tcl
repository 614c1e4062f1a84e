# Doubling a 2x2 map to 4x4: each value paints a 2x2 block of ones (stride 2).
set x [torch::tensor_create {{{{1.0 2.0} {3.0 4.0}}}}]
set k [torch::ones {1 1 2 2}]
puts [torch::tensor_print [torch::conv_transpose_2d $x $k none 2]]
# output_padding adds a row and a column to the result.
puts [torch::tensor_shape [torch::convTranspose2d -input $x -weight $k -stride 2 -output_padding 1]]
