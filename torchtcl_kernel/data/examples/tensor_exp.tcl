# Unnormalised softmax weights: exp of the scores.
set scores [torch::tensor_create {0.0 1.0 2.0}]
puts [torch::tensor_print [torch::tensor_exp $scores]]
