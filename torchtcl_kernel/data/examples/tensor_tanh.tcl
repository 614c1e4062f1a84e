# Squashes any value into (-1, 1), odd around 0.
set x [torch::tensor_create {-2.0 0.0 0.5 2.0}]
puts [torch::tensor_print [torch::tensor_tanh $x]]
