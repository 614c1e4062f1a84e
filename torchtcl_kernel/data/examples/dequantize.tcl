# Quantize with steps of 0.25 and read the values back: each lands on the nearest step.
set x [torch::tensor_create {0.1 0.3 0.62 1.0}]
set q [torch::quantize_per_tensor $x 0.25 0 quint8]
puts [torch::tensor_print [torch::dequantize $q]]
