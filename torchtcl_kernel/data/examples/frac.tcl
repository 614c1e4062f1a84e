# The part after the decimal point, with the value's sign.
set hours [torch::tensor_create {7.25 13.5 -2.75}]
puts [torch::tensor_print [torch::frac $hours]]
