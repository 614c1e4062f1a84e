# Log-probabilities over the stored entries of each column, then over a dense row of logits.
set at [torch::tensor_create {{0 1 2} {0 0 1}} int64]
set s [torch::sparse_coo_tensor $at [torch::tensor_create {2.0 0.0 1.0}] {3 2}]
puts [torch::tensor_print [torch::sparse_log_softmax -input $s -dim 0]]
set logits [torch::tensor_create {{0.5 1.5 -1.0}}]
puts [torch::tensor_print [torch::sparseLogSoftmax -input $logits -dim 1]]
