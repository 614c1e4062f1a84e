# Add two quantized tensors; the sum is stored with its own scale (0.2) and zero point (0).
set a [torch::quantize_per_tensor [torch::tensor_create {1.0 2.0 3.0}] 0.1 0 quint8]
set b [torch::quantize_per_tensor [torch::tensor_create {0.5 0.5 4.0}] 0.1 0 quint8]
set sum [torch::quantized_add $a $b 0.2 0]
puts "[torch::tensor_print [torch::dequantize $sum]] scale [torch::q_scale $sum]"
