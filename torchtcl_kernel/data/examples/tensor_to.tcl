# Change the dtype (and/or device): a new tensor, the input is unchanged.
set t [torch::tensor_create {1.7 2.2 -3.9}]
set i [torch::tensor_to $t cpu int64]
puts "[torch::tensor_dtype $i]: [torch::tensor_print $i]"
set d [torch::tensor_to -input $t -device cpu -dtype float64]
puts "[torch::tensor_dtype $d], original still [torch::tensor_dtype $t]"
