# The second smallest reading of each sensor (one row per sensor).
set r [torch::tensor_create {{7.5 3.0 9.1 4.2} {2.2 8.8 1.1 5.0}}]
puts [torch::tensor_print [torch::kthvalue $r 2 1]]
set low [torch::kthValue -input $r -k 1 -dim 1 -keepdim true]
puts "shape [torch::tensor_shape $low]"
