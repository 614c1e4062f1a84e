# Drop the fractional part: toward zero, unlike floor.
set x [torch::tensor_create {2.9 -2.9 0.4}]
puts [torch::tensor_print [torch::trunc $x]]
