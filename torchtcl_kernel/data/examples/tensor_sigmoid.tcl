# Squashes any value into (0, 1); 0 maps to 0.5.
set x [torch::tensor_create {-4.0 0.0 4.0}]
puts [torch::tensor_print [torch::tensor_sigmoid $x]]
