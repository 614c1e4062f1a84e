# Ordinary numbers only: neither infinite nor NaN.
set num [torch::tensor_create {1.0 -1.0 0.0 6.0}]
set x [torch::tensor_div $num [torch::tensor_create {4.0 0.0 0.0 3.0}]]
puts [torch::tensor_print $x]
puts [torch::tensor_print [torch::isfinite $x]]
