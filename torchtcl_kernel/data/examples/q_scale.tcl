# A quantized tensor remembers the step size it was made with.
set q [torch::quantize_per_tensor [torch::tensor_create {1.5 2.5}] 0.125 0 quint8]
puts "scale: [torch::q_scale $q]"
