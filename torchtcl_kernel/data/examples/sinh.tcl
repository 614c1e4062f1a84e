# sinh is odd and grows like exp(x)/2.
set x [torch::tensor_create {-3.0 0.0 0.5 3.0}]
puts [torch::tensor_print [torch::sinh $x]]
