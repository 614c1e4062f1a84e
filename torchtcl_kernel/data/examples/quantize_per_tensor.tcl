# Store temperatures in 8 bits: steps of 0.5 degrees, with the stored integer 40 meaning 0.0.
set temps [torch::tensor_create {-3.2 0.0 4.7 12.9}]
set q [torch::quantize_per_tensor $temps 0.5 40 quint8]
puts "stored integers: [torch::tensor_print [torch::int_repr $q]]"
puts "read back: [torch::tensor_print [torch::dequantize $q]]"
