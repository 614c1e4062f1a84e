# Extend a ramp by repeating its edge values.
set ramp [torch::tensor_reshape [torch::tensor_create {10.0 20.0 30.0}] {1 1 3}]
puts [torch::tensor_print [torch::replication_pad1d $ramp {2 3}]]
