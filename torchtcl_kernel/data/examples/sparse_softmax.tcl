# Attention over only the links that exist: each row's stored scores become probabilities,
# missing links stay missing (not zero-probability entries).
set links [torch::tensor_create {{0 0 1} {0 2 1}} int64]
set scores [torch::sparse_coo_tensor $links [torch::tensor_create {1.0 3.0 0.5}] {2 3}]
puts [torch::tensor_print [torch::sparse_softmax $scores 1]]
