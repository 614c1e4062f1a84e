# Every (layers, width) pair of a small model-size grid, one per row.
set layers [torch::tensor_create {2 3} int64]
set widths [torch::tensor_create {16 32 64} int64]
puts [torch::tensor_print [torch::cartesian_prod $layers $widths]]
