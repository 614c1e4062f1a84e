# Three lit pixels on a 4x4 grid, one (row column) coordinate per row of the index matrix.
set pixels [torch::tensor_create {{0 3} {2 1} {3 3}} int64]
set brightness [torch::tensor_create {0.9 0.4 0.7}]
set image [torch::sparse_tensor_create $pixels $brightness {4 4}]
puts [torch::tensor_print [torch::sparse_to_dense $image]]
