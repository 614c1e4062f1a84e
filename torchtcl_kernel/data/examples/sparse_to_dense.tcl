# Two readings logged at the same slot are summed when the sparse log is made dense.
set slots [torch::tensor_create {{1 4 1}} int64]
set readings [torch::tensor_create {2.0 3.0 0.5}]
set log [torch::sparse_coo_tensor $slots $readings {6}]
puts [torch::tensor_print [torch::sparse_to_dense $log]]
