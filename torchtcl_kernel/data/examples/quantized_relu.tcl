# ReLU on a quantized tensor: negative values become 0, scale and zero point stay.
set q [torch::quantize_per_tensor [torch::tensor_create {-1.5 -0.2 0.0 0.7}] 0.1 50 quint8]
set r [torch::quantized_relu $q]
puts "[torch::tensor_print [torch::int_repr $r]] zero point [torch::q_zero_point $r]"
