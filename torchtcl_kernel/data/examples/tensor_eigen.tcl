# The symmetric matrix {{2 1} {1 2}} has eigenvalues 1 and 3 (ascending).
set m [torch::tensor_create {{2.0 1.0} {1.0 2.0}}]
set result [torch::tensor_eigen $m]
puts "eigenvalues: [torch::tensor_print [dict get $result eigenvalues]]"
puts "eigenvectors: [torch::tensor_print [dict get $result eigenvectors]]"
