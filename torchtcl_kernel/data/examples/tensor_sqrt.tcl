# Standard deviations from variances.
set var [torch::tensor_create {0.25 1.0 9.0}]
puts [torch::tensor_print [torch::tensor_sqrt $var]]
