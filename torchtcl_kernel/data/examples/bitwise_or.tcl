# Set flag bits: 1 = read, 2 = write, 4 = execute.
set perms [torch::tensor_create {1 2 0 5} int32]
puts [torch::tensor_print [torch::bitwise_or $perms 4]]
