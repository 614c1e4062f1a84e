# Natural log; log(0) is -inf.
set p [torch::tensor_create {1.0 2.7182818 0.5 0.0}]
puts [torch::tensor_print [torch::tensor_log $p]]
