# The largest reading in each third of a sequence of 9.
set seq [torch::tensor_reshape [torch::tensor_create {4.0 8.0 1.0 0.0 3.0 6.0 7.0 2.0 5.0}] {1 1 9}]
puts [torch::tensor_print [torch::adaptive_maxpool1d $seq 3]]
