# A 2 x 3 matrix times a 3 x 1 column gives a 2 x 1 column.
set a [torch::tensor_create {1 2 3 4 5 6} {2 3}]
set x [torch::tensor_create {1 0 -1} {3 1}]
set y [torch::tensor_matmul $a $x]
puts "shape [torch::tensor_shape $y]"
puts [torch::tensor_print $y]
