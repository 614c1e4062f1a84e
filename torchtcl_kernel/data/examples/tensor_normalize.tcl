# Unit-length rows (L2), then a vector scaled so its absolute values sum to 1 (L1).
set rows [torch::tensor_create {{3 4} {6 8} {1 0}}]
puts [torch::tensor_print [torch::tensor_normalize $rows 2 1]]
set v [torch::tensor_create {1 -2 5}]
puts [torch::tensor_print [torch::tensorNormalize -tensor $v -p 1]]
