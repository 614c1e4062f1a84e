# Frobenius, nuclear and spectral norms of diag(3, 4), then per matrix of a batch.
set m [torch::tensor_create {{3.0 0.0} {0.0 4.0}}]
puts "fro: [torch::tensor_item [torch::matrix_norm $m]]"
puts "nuc: [torch::tensor_item [torch::matrix_norm $m nuc]]"
puts "2: [torch::tensor_item [torch::matrix_norm -input $m -ord 2]]"
set batch [torch::ones {5 2 2}]
puts "batch: [torch::tensor_print [torch::matrix_norm $batch fro]]"
