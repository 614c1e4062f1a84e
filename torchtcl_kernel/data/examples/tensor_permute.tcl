# An image batch in N x H x W x C order rearranged to PyTorch's N x C x H x W.
set batch [torch::zeros {8 32 32 3}]
puts [torch::tensor_shape [torch::tensor_permute $batch {0 3 1 2}]]
