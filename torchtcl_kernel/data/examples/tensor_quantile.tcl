# The quartiles of a small sample, then the 90th percentile of each row.
set x [torch::tensor_create {3 1 4 1 5 9 2 6}]
puts [torch::tensor_print [torch::tensor_quantile $x {0.25 0.5 0.75}]]
set m [torch::tensor_create {{10 20 30 40} {5 5 5 50}}]
puts [torch::tensor_print [torch::tensorQuantile -input $m -q 0.9 -dim 1]]
