# Angles (radians) from sines; asin(0.5) is pi/6.
set s [torch::tensor_create {-1.0 0.0 0.5 1.0}]
puts [torch::tensor_print [torch::asin $s]]
