# Flip every bit: ~x is -x - 1 for signed integers; on Bool it is plain negation.
puts [torch::tensor_print [torch::bitwise_not [torch::tensor_create {0 4 -9} int16]]]
puts [torch::tensor_print [torch::bitwiseNot -input [torch::tensor_create {1 0} bool]]]
