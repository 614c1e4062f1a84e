# A tensor of sevens shaped like another one (same dtype unless told).
set ref [torch::zeros {2 3} int32]
puts [torch::tensor_to_list [torch::full_like $ref 7]]
puts [torch::tensor_to_list [torch::fullLike -input $ref -value 0.25 -dtype float32]]
