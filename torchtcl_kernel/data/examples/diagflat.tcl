# The four entries of a 2 x 2 tensor, flattened onto the diagonal just above the main one.
set t [torch::tensor_create {{1.0 2.0} {3.0 4.0}}]
set d [torch::diagflat $t 1]
puts "shape [torch::tensor_shape $d]"
puts [torch::tensor_print $d]
