# Values inside the interval [0, 1]: both conditions must hold.
set x [torch::tensor_create {-0.5 0.0 0.4 1.0 1.7}]
set inside [torch::logical_and [torch::ge $x 0] [torch::le $x 1]]
puts [torch::tensor_print $inside]
