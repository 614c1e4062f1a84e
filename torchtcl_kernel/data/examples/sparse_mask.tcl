# Keep a dense score matrix only where a sparse pattern has entries (its values do not matter).
set scores [torch::tensor_create {{0.1 0.2 0.3} {0.4 0.5 0.6}}]
set pattern [torch::sparse_coo_tensor [torch::tensor_create {{0 1} {2 1}} int64] \
    [torch::tensor_create {1.0 1.0}] {2 3}]
set kept [torch::sparse_mask $scores $pattern]
puts [torch::tensor_print [torch::sparse_to_dense $kept]]
