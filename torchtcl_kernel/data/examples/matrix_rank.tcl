# The second row is twice the first, so the rank is 1; the identity has full rank.
set m [torch::tensor_create {{1.0 2.0 3.0} {2.0 4.0 6.0}}]
puts "rank: [torch::tensor_item [torch::matrix_rank $m]]"
puts "identity: [torch::tensor_item [torch::matrix_rank -input [torch::eye 4] -hermitian 1]]"
