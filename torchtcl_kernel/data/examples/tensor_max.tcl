# The overall maximum and the largest value in each column.
set m [torch::tensor_create {{4 9 2} {8 1 6}}]
puts [torch::tensor_item [torch::tensor_max $m]]
puts [torch::tensor_print [torch::tensor_max $m 0]]
puts [torch::tensor_shape [torch::tensorMax -input $m -dim 1 -keepdim 1]]
