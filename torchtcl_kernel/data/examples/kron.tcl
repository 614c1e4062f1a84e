# Each entry of the 2 x 2 identity scales a copy of the block: a block-diagonal 4 x 4 matrix.
set eye [torch::eye 2]
set block [torch::tensor_create {{1.0 2.0} {3.0 4.0}}]
puts [torch::tensor_print [torch::kron $eye $block]]
