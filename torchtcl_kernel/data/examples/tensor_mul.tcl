# Element-wise product; a number scales the whole tensor.
set a [torch::tensor_create {1 2 3}]
set b [torch::tensor_create {2 2 0.5}]
puts [torch::tensor_print [torch::tensor_mul $a $b]]
puts [torch::tensor_print [torch::tensor_mul $a 0.1]]
