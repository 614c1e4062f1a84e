# Variance of each row, with Bessel's correction and without.
set x [torch::tensor_create {{2 4 4 4 5 5 7 9} {1 1 1 1 1 1 1 1}}]
puts [torch::tensor_print [torch::var_dim $x 1]]
puts [torch::tensor_print [torch::varDim -input $x -dim 1 -unbiased false -keepdim true]]
