# Q has orthonormal columns, R is upper triangular, and Q R rebuilds the matrix.
set a [torch::tensor_create {{3.0 1.0} {4.0 2.0}}]
set qr [torch::tensor_qr $a]
set q [dict get $qr Q]
set r [dict get $qr R]
puts "R = [torch::tensor_print $r]"
puts "Q R = [torch::tensor_print [torch::tensor_matmul $q $r]]"
