# a - b, a - 2 * b (alpha), and a number minus a tensor.
set a [torch::tensor_create {10 20 30}]
set b [torch::tensor_create {1 2 3}]
puts [torch::tensor_print [torch::tensor_sub $a $b]]
puts [torch::tensor_print [torch::tensor_sub $a $b -alpha 2]]
puts [torch::tensor_print [torch::tensor_sub 1 $b]]
