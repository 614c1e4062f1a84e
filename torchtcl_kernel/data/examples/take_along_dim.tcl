# For each row, pick the entries at the given column numbers
set marks [torch::tensor_create {{4.0 9.0 1.0} {7.0 2.0 8.0}} float32]
set columns [torch::tensor_create {{1 1} {2 0}} int64]
puts [torch::tensor_print [torch::take_along_dim $marks $columns 1]]
# Without a dim both tensors are read flat: positions 5 and 0 of the six values
puts [torch::tensor_print [torch::takeAlongDim -input $marks \
    -indices [torch::tensor_create {5 0} int64]]]
