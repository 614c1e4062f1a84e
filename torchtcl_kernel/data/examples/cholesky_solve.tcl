# Solve A x = b for the positive-definite A = {{9 3} {3 5}} from its Cholesky factor.
set a [torch::tensor_create {{9.0 3.0} {3.0 5.0}}]
set l [torch::tensor_cholesky $a]
set b [torch::tensor_create {12.0 8.0} {2 1}]
set x [torch::cholesky_solve $b $l]
puts "x = [torch::tensor_print $x]"
puts "A x = [torch::tensor_print [torch::tensor_matmul $a $x]]"
