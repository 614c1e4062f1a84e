# Replace every value not above 1.0 by -9.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::threshold $x 1.0 -9.0]]
