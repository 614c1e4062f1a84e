# Overwrite three entries of a buffer; the buffer itself stays as it was
set buffer [torch::zeros {6}]
set where [torch::tensor_create {5 0 2} int64]
set values [torch::tensor_create {0.5 1.5 2.5} float32]
set filled [torch::scatter_nd $buffer $where $values]
puts "filled:   [torch::tensor_print $filled]"
puts "original: [torch::tensor_print $buffer]"
# On a matrix whole rows are replaced
set grid [torch::scatterNd -input [torch::zeros {3 2}] -indices [torch::tensor_create {1} int64] \
    -updates [torch::ones {1 2}]]
puts [torch::tensor_print $grid]
