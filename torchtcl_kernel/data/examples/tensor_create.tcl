# From a flat list reshaped to 2 x 3, and from nested lists with a dtype.
set m [torch::tensor_create {1 2 3 4 5 6} {2 3}]
puts [torch::tensor_print $m]
set labels [torch::tensor_create -data {{0 1} {1 0}} -dtype int64]
puts "[torch::tensor_shape $labels] [torch::tensor_dtype $labels]"
