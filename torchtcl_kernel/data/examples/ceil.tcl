# How many boxes of 12 for each order: round the quotient up.
set orders [torch::tensor_create {5.0 12.0 13.0 40.0}]
puts [torch::tensor_print [torch::ceil [torch::tensor_div $orders 12]]]
