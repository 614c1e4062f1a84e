# Hide the padding of a sequence with a large negative value before a softmax.
set scores [torch::tensor_create {0.5 1.5 2.0 0.0 0.0}]
set padding [torch::tensor_create {0 0 0 1 1} bool]
puts [torch::tensor_print [torch::tensor_masked_fill $scores $padding -1e9]]
puts [torch::tensor_print [torch::tensorMaskedFill -tensor $scores -mask $padding -value 0.25]]
