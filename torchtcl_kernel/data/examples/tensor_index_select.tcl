# Reorder the columns of a small table: last, first, first again
set table [torch::tensor_create {{1 2 3} {4 5 6}} float32]
set order [torch::tensor_create {2 0 0} int64]
puts [torch::tensor_print [torch::tensor_index_select $table 1 $order]]
# Named form: keep only the second row
set row [torch::tensorIndexSelect -input $table -dim 0 -indices [torch::tensor_create {1} int64]]
puts "row shape [torch::tensor_shape $row]"
