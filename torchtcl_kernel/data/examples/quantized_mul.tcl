# Multiply two quantized tensors; the product is stored in steps of 0.5.
set a [torch::quantize_per_tensor [torch::tensor_create {1.0 2.0 3.0}] 0.1 0 quint8]
set b [torch::quantize_per_tensor [torch::tensor_create {2.0 2.5 4.0}] 0.1 0 quint8]
set prod [torch::quantized_mul -tensor1 $a -tensor2 $b -scale 0.5 -zeroPoint 0]
puts [torch::tensor_print [torch::dequantize $prod]]
