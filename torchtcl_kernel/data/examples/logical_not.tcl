# Invert a mask; on numbers, zeros become true and everything else false.
set valid [torch::tensor_create {1 1 0 1} bool]
puts [torch::tensor_print [torch::logical_not $valid]]
puts [torch::tensor_print [torch::logicalNot -input [torch::tensor_create {0.0 -2.5 0.0}]]]
