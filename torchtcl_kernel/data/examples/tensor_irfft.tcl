# rfft then irfft with the original length (odd here) recovers the signal.
set x [torch::tensor_create {0.5 1.5 -2.0 3.0 1.0}]
set half [torch::tensor_rfft $x]
puts [torch::tensor_print [torch::tensor_irfft $half 5]]
puts [torch::tensor_shape [torch::tensorIrfft -tensor $half]]
