# Bits needed to tell apart n equally likely outcomes.
set n [torch::tensor_create {2.0 8.0 10.0 1024.0}]
puts [torch::tensor_print [torch::log2 $n]]
