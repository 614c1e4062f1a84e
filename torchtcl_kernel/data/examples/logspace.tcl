# Candidate learning rates from 1e-4 to 1e-1, one per decade; then powers of two.
puts [torch::tensor_to_list [torch::logspace -4 -1 4 10.0 float64]]
puts [torch::tensor_to_list [torch::logspace -start 0 -end 4 -steps 5 -base 2]]
