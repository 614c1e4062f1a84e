# The mean of everything, then of each column (dim 0) and each row (dim 1).
set m [torch::tensor_create {1 2 3 4 5 6} {2 3}]
puts [torch::tensor_item [torch::tensor_mean $m]]
puts [torch::tensor_print [torch::tensor_mean $m 0]]
puts [torch::tensor_print [torch::tensor_mean $m -dim 1 -keepdim true]]
