# Average of each student's three marks, and the class average per test kept as a row.
set marks [torch::tensor_create {{70 85 90} {60 75 66}}]
puts [torch::tensor_print [torch::mean_dim $marks 1]]
set per_test [torch::meanDim -input $marks -dim 0 -keepdim 1]
puts "[torch::tensor_print $per_test] shape [torch::tensor_shape $per_test]"
