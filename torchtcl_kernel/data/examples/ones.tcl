# Ones in any shape and dtype; the named form works too.
puts [torch::tensor_print [torch::ones {2 3}]]
set mask [torch::ones -shape {4} -dtype bool]
puts "[torch::tensor_dtype $mask] [torch::tensor_print $mask]"
