# Ones with the shape (and, unless told otherwise, the dtype) of another tensor.
set x [torch::arange 6 int64]
set y [torch::ones_like $x float32]
puts "[torch::tensor_shape $y] [torch::tensor_dtype $y]: [torch::tensor_print $y]"
