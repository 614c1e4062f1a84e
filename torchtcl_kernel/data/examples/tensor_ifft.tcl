# The inverse transform brings a spectrum back to its signal (complex, imaginary parts ~0).
set x [torch::tensor_create {3.0 -1.0 2.0 0.5}]
set back [torch::tensor_ifft [torch::tensor_fft $x]]
puts [torch::tensor_print $back]
puts [torch::tensor_dtype [torch::tensorIfft -tensor $back -dim 0]]
