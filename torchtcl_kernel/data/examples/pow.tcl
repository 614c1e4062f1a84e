# Powers with a tensor exponent, a number exponent, and a number base.
set b [torch::tensor_create {1.0 2.0 3.0}]
set e [torch::tensor_create {3.0 0.5 -1.0}]
puts [torch::tensor_print [torch::pow $b $e]]
puts [torch::tensor_print [torch::pow -base $b -exponent 2]]
puts [torch::tensor_print [torch::pow 2 $b]]
