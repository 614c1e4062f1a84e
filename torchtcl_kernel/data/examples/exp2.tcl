# Sizes of binary trees with the given depths: 2^depth leaves.
set depth [torch::tensor_create {0.0 1.0 4.0 10.0}]
puts [torch::tensor_print [torch::exp2 $depth]]
