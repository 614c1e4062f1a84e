# Memory without initial values: only the shape and dtype mean something until it is written.
set buffer [torch::empty {2 3} float64]
puts "shape [torch::tensor_shape $buffer], dtype [torch::tensor_dtype $buffer]"
