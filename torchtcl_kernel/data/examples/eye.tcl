# A square identity, then a 2 x 4 one of integers (the second word is m, or a dtype).
puts [torch::tensor_print [torch::eye 3]]
set wide [torch::eye 2 4 -dtype int32]
puts "shape [torch::tensor_shape $wide], dtype [torch::tensor_dtype $wide]"
