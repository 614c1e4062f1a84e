# Three feature vectors measured on four samples become the columns of a 4 x 3 table.
set height [torch::tensor_create {1.62 1.75 1.80 1.58}]
set weight [torch::tensor_create {55.0 72.0 80.0 49.0}]
set age [torch::tensor_create {31.0 45.0 27.0 60.0}]
puts [torch::tensor_print [torch::column_stack $height $weight $age]]
