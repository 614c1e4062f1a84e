# How many elements: the product of the dimensions (1 for a 0-d tensor).
puts [torch::tensor_numel [torch::zeros {4 5 6}]]
puts [torch::tensor_numel [torch::full {} 1.0]]
