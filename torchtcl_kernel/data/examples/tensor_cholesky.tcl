# The lower triangular factor L of a positive-definite matrix, with L L^T giving it back.
set a [torch::tensor_create {{25.0 15.0} {15.0 18.0}}]
set l [torch::tensor_cholesky $a]
puts "L = [torch::tensor_print $l]"
set lt [torch::tensor_cholesky -input $a -upper 1]
puts "L L^T = [torch::tensor_print [torch::tensor_matmul $l $lt]]"
