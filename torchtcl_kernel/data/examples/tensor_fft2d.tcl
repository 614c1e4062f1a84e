# The 2-D spectrum of a checkerboard has all its energy at the highest frequency (2, 2).
set board [torch::tensor_create {{1 -1 1 -1} {-1 1 -1 1} {1 -1 1 -1} {-1 1 -1 1}}]
puts [torch::tensor_print [torch::tensor_abs [torch::tensor_fft2d $board]]]
puts [torch::tensor_shape [torch::tensorFft2d -tensor $board -dims {0 1} -s {8 8}]]
