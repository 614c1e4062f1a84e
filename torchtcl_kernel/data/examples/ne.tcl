# Positions where two readings disagree; a number works as the second operand too.
set before [torch::tensor_create {20.5 21.0 19.5 22.0}]
set after [torch::tensor_create {20.5 21.5 19.5 23.0}]
puts [torch::tensor_print [torch::ne $before $after]]
puts [torch::tensor_print [torch::ne -input1 $after -input2 21.5]]
