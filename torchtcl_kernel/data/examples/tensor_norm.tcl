# Euclidean, Manhattan and maximum norms of one vector, then row norms of a matrix.
set v [torch::tensor_create {6.0 -8.0}]
puts "L2: [torch::tensor_item [torch::tensor_norm $v]]"
puts "L1: [torch::tensor_item [torch::tensor_norm $v 1]]"
puts "Linf: [torch::tensor_item [torch::tensor_norm -tensor $v -p inf]]"
set m [torch::tensor_create {{3.0 4.0} {5.0 12.0}}]
puts "rows: [torch::tensor_print [torch::tensor_norm $m 2 1]]"
