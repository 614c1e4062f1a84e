# fft2d then ifft2d gives the image back (as complex numbers).
set img [torch::tensor_create {{0.0 1.0} {2.0 3.0}}]
puts [torch::tensor_print [torch::tensor_ifft2d [torch::tensor_fft2d $img]]]
puts [torch::tensor_dtype [torch::tensorIfft2d -tensor $img -dims {0 1}]]
