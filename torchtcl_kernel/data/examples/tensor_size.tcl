set batch [torch::zeros {16 3 28 28}]
puts "size: [torch::tensor_size $batch]"
puts "channels: [torch::tensor_size $batch 1], width: [torch::tensorSize -input $batch -dim -1]"
puts "a 0-d tensor has no dimensions: {[torch::tensor_size [torch::full {} 2.0]]}"
