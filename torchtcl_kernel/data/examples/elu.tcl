# ELU keeps positives and saturates negatives toward -alpha.
set x [torch::tensor_create {-3.0 -0.5 0.0 1.5 7.0}]
puts [torch::tensor_print [torch::elu $x]]
puts [torch::tensor_print [torch::elu -input $x -alpha 0.5]]
