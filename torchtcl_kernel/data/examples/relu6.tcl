# ReLU capped at 6: negatives become 0, large values become 6.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::relu6 $x]]
