# Taper a short ramp with a periodic Hann window before taking its spectrum.
set ramp [torch::tensor_create {1 2 3 4 5 6 7 8}]
set w [torch::hann_window 8]
puts [torch::tensor_print [torch::tensor_mul $ramp $w]]
