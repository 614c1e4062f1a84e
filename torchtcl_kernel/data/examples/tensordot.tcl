# Contract both dimensions of two 2 x 2 matrices: the sum of their element-wise product.
set a [torch::tensor_create {{1.0 2.0} {3.0 4.0}}]
set b [torch::tensor_create {{1.0 0.0} {0.0 -1.0}}]
puts [torch::tensor_item [torch::tensordot $a $b {0 1}]]
set w [torch::tensor_create {{2.0 2.0} {1.0 1.0}}]
puts [torch::tensor_print [torch::tensordot -a $a -b $w -dims 0]]
