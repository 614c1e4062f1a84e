# Each border pixel copied outward: a 2x2 map padded by one all round.
set map [torch::tensor_reshape [torch::tensor_create {1.0 2.0 3.0 4.0}] {1 1 2 2}]
puts [torch::tensor_print [torch::replication_pad2d -tensor $map -pad {1 1 1 1}]]
