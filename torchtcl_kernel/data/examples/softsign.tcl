# Softsign squashes into (-1, 1) more gently than tanh.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::softsign $x]]
