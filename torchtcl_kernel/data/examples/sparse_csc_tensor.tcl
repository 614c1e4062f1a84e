# The same kind of matrix stored column by column: column 0 has one value, column 1 two.
set ccol [torch::tensor_create {0 1 3} int64]
set rows [torch::tensor_create {2 0 1} int64]
set vals [torch::tensor_create {4.0 1.5 -2.0}]
set m [torch::sparse_csc_tensor -ccol_indices $ccol -row_indices $rows -values $vals -size {3 2}]
puts [torch::tensor_print [torch::sparse_to_dense $m]]
