# Pad a 2x2x2 block of ones with zeros on every face: 4x4x4, still 8 ones in it.
set block [torch::ones -shape {2 2 2}]
set padded [torch::zero_pad3d $block {1 1 1 1 1 1}]
puts "[torch::tensor_shape $padded], sum [torch::tensor_item [torch::tensor_sum $padded]]"
