# The trace of a 3 x 3 matrix: 2 + 5 + 11.
set m [torch::tensor_create {{2.0 1.0 0.0} {1.0 5.0 7.0} {0.0 3.0 11.0}}]
puts [torch::tensor_item [torch::trace $m]]
