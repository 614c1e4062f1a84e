# Compound growth: the running product of yearly growth factors.
set growth [torch::tensor_create {1.1 0.95 1.2 1.05} float64]
puts [torch::tensor_print [torch::cumprod $growth 0]]
set m [torch::tensor_create {{1 2} {3 4} {5 6}}]
puts [torch::tensor_print [torch::cumProd -input $m -dim 0]]
