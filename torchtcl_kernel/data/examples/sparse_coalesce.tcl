# Votes recorded per candidate, with repeats: coalescing sums the repeats into one entry each.
set who [torch::tensor_create {{2 0 2 2}} int64]
set votes [torch::tensor_create {1.0 1.0 1.0 1.0}]
set ballot [torch::sparse_coo_tensor $who $votes {3}]
puts [torch::tensor_print [torch::sparse_coalesce $ballot]]
