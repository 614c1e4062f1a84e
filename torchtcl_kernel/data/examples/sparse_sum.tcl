# Total rainfall over a sparse station-by-day table, and the total per day.
set at [torch::tensor_create {{0 1 1 2} {0 0 3 3}} int64]
set rain [torch::sparse_coo_tensor $at [torch::tensor_create {4.0 1.5 2.0 0.5}] {3 4}]
puts [torch::tensor_item [torch::sparse_sum $rain]]
puts [torch::tensor_print [torch::sparse_to_dense [torch::sparseSum -input $rain -dim 0]]]
