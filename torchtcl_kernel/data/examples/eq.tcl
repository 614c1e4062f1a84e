# Which predictions hit their labels: a Bool mask, then the share of hits.
set predicted [torch::tensor_create {2 0 1 1 2} int64]
set labels [torch::tensor_create {2 1 1 0 2} int64]
set hits [torch::eq $predicted $labels]
puts [torch::tensor_print $hits]
puts "hits: [torch::tensor_item [torch::tensor_sum $hits]] of 5"
