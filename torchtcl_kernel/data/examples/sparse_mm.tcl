# A sparse adjacency matrix times dense node features: each node sums its neighbours' features.
set edges [torch::tensor_create {{0 0 1 2} {1 2 2 0}} int64]
set adj [torch::sparse_coo_tensor $edges [torch::tensor_create {1.0 1.0 1.0 1.0}] {3 3}]
set features [torch::tensor_create {{1.0 10.0} {2.0 20.0} {3.0 30.0}}]
puts [torch::tensor_print [torch::sparse_mm $adj $features]]
