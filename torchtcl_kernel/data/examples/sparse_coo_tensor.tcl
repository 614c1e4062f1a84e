# A 3x4 road-distance table where only four pairs of towns are connected: coordinates as rows
# (one per sparse dimension) and a value per column; float64 chosen explicitly.
set where [torch::tensor_create {{0 0 1 2} {1 3 2 0}} int64]
set km [torch::tensor_create {12.5 40.0 7.25 19.0}]
set roads [torch::sparse_coo_tensor $where $km {3 4} float64]
puts "[torch::tensor_dtype $roads] [torch::tensor_shape $roads]"
puts [torch::tensor_print [torch::sparseToDense $roads]]
