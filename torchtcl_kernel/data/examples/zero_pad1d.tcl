# Zeros before and after a sequence.
set x [torch::tensor_create {5.0 6.0 7.0}]
puts [torch::tensor_print [torch::zero_pad1d $x {1 2}]]
