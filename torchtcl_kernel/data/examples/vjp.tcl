# For f(x) = x^2 the pullback of v is 2 x v: with v = {1 0.5 0.25} at x = {3 2 1}.
set x [torch::tensor_create {3.0 2.0 1.0}]
set v [torch::tensor_create {1.0 0.5 0.25}]
puts [torch::tensor_print [torch::vjp {{x} {torch::tensor_mul $x $x}} $x $v]]
