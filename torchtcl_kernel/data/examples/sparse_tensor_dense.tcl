# A sparse 2x3 mask of chosen cells, made dense to see every entry.
set cells [torch::tensor_create {{0 1} {2 0}} int64]
set ones [torch::tensor_create {1.0 1.0}]
set mask [torch::sparse_coo_tensor $cells $ones {2 3}]
puts [torch::tensor_print [torch::sparse_tensor_dense -input $mask]]
