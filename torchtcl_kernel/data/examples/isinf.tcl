# Division by zero overflows to +inf or -inf; isinf finds those, not the NaN of 0/0.
set num [torch::tensor_create {1.0 -2.0 0.0 5.0}]
set den [torch::tensor_create {0.0 0.0 0.0 2.0}]
set q [torch::tensor_div $num $den]
puts [torch::tensor_print [torch::isinf $q]]
puts [torch::tensor_print [torch::isInf -input $q]]
