# The sum of everything, of each column, and of each row keeping the dimension.
set m [torch::tensor_create {1 2 3 4 5 6} {2 3}]
puts [torch::tensor_item [torch::tensor_sum $m]]
puts [torch::tensor_print [torch::tensor_sum $m 0]]
set rows [torch::tensor_sum $m -dim 1 -keepdim 1]
puts "shape [torch::tensor_shape $rows]"
