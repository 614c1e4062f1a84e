# Continuously compounded rate from small simple interest rates: log(1 + r).
set r [torch::tensor_create {0.0001 0.01 0.05}]
puts [torch::tensor_print [torch::log1p $r]]
