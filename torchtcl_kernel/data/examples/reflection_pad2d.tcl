# Reflect a 3x3 image by one pixel on every side.
set img [torch::tensor_reshape [torch::arange -start 1 -end 10 -dtype float32] {1 3 3}]
puts [torch::tensor_print [torch::reflection_pad2d -input $img -padding {1 1 1 1}]]
