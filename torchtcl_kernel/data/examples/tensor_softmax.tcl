# Turn each row of scores into probabilities.
set scores [torch::tensor_create {{1.0 2.0 3.0} {0.0 0.0 0.0}}]
puts [torch::tensor_print [torch::tensor_softmax $scores 1]]
