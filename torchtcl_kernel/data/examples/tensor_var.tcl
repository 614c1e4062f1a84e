# Variance of all elements, and of each row keeping the reduced dimension.
set x [torch::tensor_create {{1 2 3 4} {10 10 10 10}}]
puts [torch::tensor_item [torch::tensor_var $x]]
set rows [torch::tensorVar -input $x -dim 1 -keepdim true]
puts "[torch::tensor_print $rows] shape [torch::tensor_shape $rows]"
