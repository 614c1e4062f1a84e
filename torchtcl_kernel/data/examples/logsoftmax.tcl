# Log-probabilities per row: exponentiate and each row sums to 1.
set scores [torch::tensor_create {{2.0 0.5 -1.0} {0.0 0.0 3.0}}]
set logp [torch::logsoftmax $scores 1]
puts [torch::tensor_print $logp]
puts [torch::tensor_print [torch::tensor_sum [torch::tensor_exp $logp] 1]]
