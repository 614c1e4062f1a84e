# A vector becomes a diagonal matrix; a matrix gives back one of its diagonals.
set v [torch::tensor_create {7.0 8.0 9.0}]
puts [torch::tensor_print [torch::diag $v]]
set m [torch::tensor_create {{1 2 3} {4 5 6} {7 8 9}} int64]
puts "superdiagonal: [torch::tensor_print [torch::diag $m 1]]"
puts "subdiagonal: [torch::tensor_print [torch::diag -input $m -diagonal -1]]"
