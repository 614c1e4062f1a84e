# The stored integer that stands for 0.0 in this tensor.
set q [torch::quantize_per_tensor [torch::tensor_create {-0.5 0.5}] 0.01 100 quint8]
puts "zero point: [torch::q_zero_point $q]"
