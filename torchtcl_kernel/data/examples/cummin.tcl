# The lowest price seen so far, day by day.
set prices [torch::tensor_create {101.5 99.0 100.2 97.8 98.4}]
puts [torch::tensor_print [torch::cummin $prices 0]]
set m [torch::tensor_create {{4 1 6} {2 7 0}}]
puts [torch::tensor_print [torch::cumMin -input $m -dim -1]]
