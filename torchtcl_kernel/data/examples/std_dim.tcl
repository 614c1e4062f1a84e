# Spread of each feature (column): sample (n-1) and population (n) standard deviations.
set x [torch::tensor_create {{1 10} {2 20} {3 60}}]
puts "sample     [torch::tensor_print [torch::std_dim $x 0]]"
puts "population [torch::tensor_print [torch::stdDim -input $x -dim 0 -unbiased 0]]"
