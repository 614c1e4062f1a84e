# A 3x3 matrix in compressed-row form: row 0 holds two values, row 1 none, row 2 one.
set crow [torch::tensor_create {0 2 2 3} int64]
set cols [torch::tensor_create {0 2 1} int64]
set vals [torch::tensor_create {5.0 -1.0 3.5}]
set m [torch::sparse_csr_tensor $crow $cols $vals {3 3}]
puts [torch::tensor_print $m]
puts [torch::tensor_print [torch::sparse_to_dense $m]]
