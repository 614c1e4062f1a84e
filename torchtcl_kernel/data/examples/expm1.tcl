# For tiny x, exp(x) - 1 computed directly loses digits; expm1 keeps them.
set x [torch::tensor_create {1e-8 1e-4 1.0}]
puts "expm1:     [torch::tensor_print [torch::expm1 $x]]"
puts "exp(x)-1:  [torch::tensor_print [torch::tensor_sub [torch::tensor_exp $x] 1]]"
