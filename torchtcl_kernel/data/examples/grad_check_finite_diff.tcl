# A matrix product's gradients checked with central differences of step 1e-6.
set m [torch::tensor_create {{1.0 2.0} {0.5 -1.0}}]
set ok [torch::grad_check_finite_diff {{m} {torch::tensor_matmul $m $m}} $m 1e-6]
puts "matmul gradients agree: $ok"
