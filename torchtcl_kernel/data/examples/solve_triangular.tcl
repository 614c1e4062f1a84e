# Back substitution: U x = b for an upper triangular U, then forward substitution with U^T.
set u [torch::tensor_create {{2.0 1.0} {0.0 4.0}}]
set b [torch::tensor_create {4.0 8.0} {2 1}]
puts "upper: [torch::tensor_print [torch::solve_triangular $b $u]]"
set lower [torch::tensor_create {{2.0 0.0} {1.0 4.0}}]
puts "lower: [torch::tensor_print [torch::solve_triangular -B $b -A $lower -upper 0]]"
