# True division, element by element, with broadcasting.
set a [torch::tensor_create {1 2 3}]
set b [torch::tensor_create {4 4 4}]
puts [torch::tensor_print [torch::tensor_div $a $b]]
puts [torch::tensor_print [torch::tensor_div $a 2]]
