# Clip every value into a band, [-1, 1] unless told otherwise.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::hardtanh $x]]
puts [torch::tensor_print [torch::hardtanh -input $x -min 0.0 -max 2.0]]
