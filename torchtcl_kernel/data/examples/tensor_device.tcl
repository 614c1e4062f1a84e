# Where a tensor lives: cpu, or cuda:N.
set t [torch::arange 0 4]
puts "tensor on [torch::tensor_device $t]"
puts "moved copy on [torch::tensorDevice -input [torch::tensor_to $t cpu]]"
