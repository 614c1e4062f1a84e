# A cosine at 2 cycles per 8 samples: its energy lands in bins 2 and 6.
set x [torch::tensor_create {1.0 0.0 -1.0 0.0 1.0 0.0 -1.0 0.0}]
set X [torch::tensor_fft $x]
puts [torch::tensor_print [torch::tensor_abs $X]]
# API.md's positional form: zero-pad to 16 points along dim 0, orthonormal scaling
puts [torch::tensor_shape [torch::tensorFft $x 16 0 ortho]]
