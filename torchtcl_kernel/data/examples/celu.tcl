# CELU keeps positives and bends negatives smoothly toward -alpha.
set x [torch::tensor_create {-4.0 -1.0 0.0 2.0}]
puts [torch::tensor_print [torch::celu $x]]
puts [torch::tensor_print [torch::celu -input $x -alpha 0.5]]
