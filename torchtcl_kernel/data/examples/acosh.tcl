# Inverse of cosh on [1, inf): cosh(2) ~ 3.7622, so acosh brings it back to 2.
set x [torch::tensor_create {1.0 3.7622 10.0}]
puts [torch::tensor_print [torch::acosh -input $x]]
