# GLU halves the last dimension: the first half gated by sigmoid of the second.
set x [torch::tensor_create {{1.0 2.0 0.0 -4.0} {3.0 -1.0 2.0 2.0}}]
set y [torch::glu $x]
puts "shape [torch::tensor_shape $y]: [torch::tensor_print $y]"
