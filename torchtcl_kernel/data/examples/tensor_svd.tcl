# The singular values of a 2 x 3 matrix, largest first, and the shapes of its factors.
set a [torch::tensor_create {{3.0 0.0 0.0} {0.0 -2.0 0.0}}]
set svd [torch::tensor_svd $a]
puts "S = [torch::tensor_print [dict get $svd S]]"
puts "U [torch::tensor_shape [dict get $svd U]], V [torch::tensor_shape [dict get $svd V]]"
set reduced [torch::tensor_svd -input $a -some 1]
puts "reduced V [torch::tensor_shape [dict get $reduced V]]"
