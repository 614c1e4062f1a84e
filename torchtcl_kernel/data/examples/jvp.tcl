# Forward mode: the directional derivative of exp(x) along v is exp(x) * v.
set x [torch::tensor_create {0.0 1.0}]
set v [torch::tensor_create {2.0 -1.0}]
puts [torch::tensor_print [torch::jvp {{x} {torch::tensor_exp $x}} $x $v]]
