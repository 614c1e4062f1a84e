# y = sum(x * x): after backward, x's gradient is 2x.
set x [torch::tensor_create {1.0 2.0 3.0} -requiresGrad true]
set y [torch::tensor_sum [torch::tensor_mul $x $x]]
puts [torch::tensor_backward $y]
puts [torch::tensor_print [torch::tensor_grad $x]]
