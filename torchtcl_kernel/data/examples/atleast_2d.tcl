# A vector of weights turned into a 1 x n row, ready for matrix products.
set weights [torch::tensor_create {0.2 0.5 0.3}]
set row [torch::atleast_2d $weights]
puts "row shape: [torch::tensor_shape $row]"
puts [torch::tensor_print [torch::tensor_matmul $row [torch::ones {3 2}]]]
