# Outliers on either side; numbers count as true when nonzero.
set x [torch::tensor_create {-3.0 0.2 5.0 -0.1}]
puts [torch::tensor_print [torch::logical_or [torch::lt $x -2] [torch::gt $x 2]]]
set a [torch::tensor_create {0 2 0}]
set b [torch::tensor_create {0 0 1}]
puts [torch::tensor_print [torch::logicalOr -input1 $a -input2 $b]]
