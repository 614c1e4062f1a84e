# Weekly sales corrections subtracted at half weight from a dense table (sparse + dense is dense).
set table [torch::ones {2 3}]
set fixes [torch::sparse_coo_tensor [torch::tensor_create {{0 1} {2 0}} int64] \
    [torch::tensor_create {4.0 -2.0}] {2 3}]
puts [torch::tensor_print [torch::sparse_add $table $fixes -0.5]]
