# The best score so far after each round, and the running maximum down each column.
set scores [torch::tensor_create {12 7 15 9 21 18}]
puts [torch::tensor_print [torch::cummax $scores 0]]
set m [torch::tensor_create {{3 8} {5 2} {1 9}}]
puts [torch::tensor_print [torch::cumMax -input $m -dim 0]]
