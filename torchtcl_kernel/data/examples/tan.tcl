# Slope of a line at a few angles (radians).
set a [torch::tensor_create {0.0 0.4636476 0.7853982 -0.7853982}]
puts [torch::tensor_print [torch::tan $a]]
