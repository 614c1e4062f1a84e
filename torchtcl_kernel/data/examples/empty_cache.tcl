# Give cached, unused GPU memory back to the driver once big tensors are gone.
set big [torch::zeros {256 256}]
unset big
puts "empty_cache: [torch::empty_cache]"
puts "for GPU 0 by name: [torch::emptyCache -device cuda:0]"
