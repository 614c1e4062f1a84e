# The overall minimum and the smallest value in each row.
set m [torch::tensor_create {{4 9 2} {8 1 6}}]
puts [torch::tensor_item [torch::tensor_min $m]]
puts [torch::tensor_print [torch::tensorMin -input $m -dim 1]]
