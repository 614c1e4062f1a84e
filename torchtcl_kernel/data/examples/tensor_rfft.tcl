# A real signal of 6 points has 4 non-negative frequencies; -n 8 zero-pads to 5 of them.
set x [torch::tensor_create {2.0 1.0 0.0 -1.0 -2.0 0.0}]
puts [torch::tensor_print [torch::tensor_rfft $x]]
puts [torch::tensor_shape [torch::tensorRfft -input $x -n 8]]
