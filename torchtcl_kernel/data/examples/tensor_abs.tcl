# Distances from zero, for floats and integers alike.
puts [torch::tensor_print [torch::tensor_abs [torch::tensor_create {-2.5 0.0 4.0}]]]
puts [torch::tensor_print [torch::tensor_abs [torch::tensor_create {-7 3} int32]]]
