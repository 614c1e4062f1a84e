# Periodic boundaries for a 2x2x2 cell: one extra layer wrapped on each face,
# so every value of the cell appears 8 times in the 4x4x4 result.
set cell [torch::tensor_reshape [torch::arange -start 0 -end 8 -dtype float32] {1 2 2 2}]
set padded [torch::circular_pad3d -input $cell -padding {1 1 1 1 1 1}]
puts "[torch::tensor_shape $padded], sum [torch::tensor_item [torch::tensor_sum $padded]]"
