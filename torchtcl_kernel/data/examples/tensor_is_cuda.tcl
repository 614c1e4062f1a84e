# 1 for a tensor on a GPU, 0 otherwise.
set t [torch::zeros {3}]
puts "is_cuda: [torch::tensor_is_cuda $t]"
