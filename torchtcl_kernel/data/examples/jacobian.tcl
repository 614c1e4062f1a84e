# The Jacobian of an element-wise sine is a diagonal matrix holding cos(x).
set x [torch::tensor_create {0.0 0.5 1.0}]
set J [torch::jacobian {{x} {torch::sin $x}} $x]
puts [torch::tensor_print $J]
