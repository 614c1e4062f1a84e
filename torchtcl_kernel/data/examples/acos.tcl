# The angle whose cosine is each value: cos 0.8 ~ 36.87 degrees, so acos gives ~0.6435 rad.
set c [torch::tensor_create {1.0 0.8 0.0 -1.0}]
puts [torch::tensor_print [torch::acos $c]]
