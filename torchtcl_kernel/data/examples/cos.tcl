# Cosine at 0, 60 and 180 degrees, given in radians.
set angles [torch::tensor_create {0.0 1.0471976 3.1415927}]
puts [torch::tensor_print [torch::cos $angles]]
