# A 3 x 2 matrix has no inverse, but its pseudo-inverse P satisfies P A = I (full column rank).
set a [torch::tensor_create {{1.0 0.0} {0.0 2.0} {0.0 0.0}}]
set p [torch::tensor_pinv $a]
puts "P = [torch::tensor_print $p]"
puts "P A = [torch::tensor_print [torch::tensor_matmul $p $a]]"
