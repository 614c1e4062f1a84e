set rows [torch::tensor_reshape [torch::arange 6] {2 3}]
puts "whole tensor: [torch::tensor_is_contiguous $rows]"
# a column of a row-major matrix is strided in memory
set column [torch::tensor_slice $rows 1 1 2]
puts "one column:   [torch::tensorIsContiguous -input $column]"
