# Radians back to degrees.
set a [torch::tensor_create {0.5235988 1.0 3.1415927}]
puts [torch::tensor_print [torch::rad2deg $a]]
