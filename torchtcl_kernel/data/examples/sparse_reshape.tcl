# A 2x6 sparse grid seen as 3x4: each stored value keeps its row-major position.
set at [torch::tensor_create {{0 1 1} {5 0 3}} int64]
set grid [torch::sparse_coo_tensor $at [torch::tensor_create {1.0 2.0 3.0}] {2 6}]
set wide [torch::sparse_reshape $grid {3 4}]
puts [torch::tensor_shape $wide]
puts [torch::tensor_print [torch::sparse_to_dense $wide]]
