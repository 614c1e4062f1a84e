# Below a threshold, element by element; a column against a row broadcasts to a table.
set scores [torch::tensor_create {0.3 0.8 0.5}]
puts [torch::tensor_print [torch::lt $scores 0.5]]
set col [torch::tensor_reshape [torch::tensor_create {1 2 3}] {3 1}]
set row [torch::tensor_create {1 2 3}]
puts [torch::tensor_print [torch::Lt $col $row]]
