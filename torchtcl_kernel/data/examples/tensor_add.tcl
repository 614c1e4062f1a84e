# a + b, a + 10 * b (the alpha word), and a plain number broadcast over a tensor.
set a [torch::tensor_create {1 2 3}]
set b [torch::tensor_create {0.5 0.5 0.5}]
puts [torch::tensor_print [torch::tensor_add $a $b]]
puts [torch::tensor_print [torch::tensor_add $a $b 10]]
puts [torch::tensor_print [torch::tensor_add $a 100]]
