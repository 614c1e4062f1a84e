# Softmin favours the smallest entries of each row.
set costs [torch::tensor_create {{1.0 2.0 4.0} {3.0 3.0 0.0}}]
puts [torch::tensor_print [torch::softmin $costs]]
puts [torch::tensor_print [torch::softmin -input $costs -dim 0]]
