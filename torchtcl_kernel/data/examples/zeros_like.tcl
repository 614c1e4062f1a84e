# Zeros shaped like another tensor, e.g. to start an accumulator.
set x [torch::randn {3 4}]
set acc [torch::zeros_like $x]
puts "shape [torch::tensor_shape $acc], dtype [torch::tensor_dtype $acc]"
puts "sum [torch::tensor_item [torch::tensor_sum $acc]]"
