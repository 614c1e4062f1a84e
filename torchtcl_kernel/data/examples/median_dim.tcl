# Median response time of each server (rows); with four samples it takes the lower middle one.
set times [torch::tensor_create {{120 80 95 300} {40 45 50 42}}]
puts [torch::tensor_print [torch::median_dim $times 1]]
puts [torch::tensor_shape [torch::medianDim -input $times -dim 1 -keepdim true]]
