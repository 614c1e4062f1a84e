# Find the missing measurements: 0/0 gives NaN.
set a [torch::tensor_create {1.0 0.0 3.0}]
set b [torch::tensor_create {2.0 0.0 4.0}]
set ratio [torch::tensor_div $a $b]
puts [torch::tensor_print [torch::isnan $ratio]]
