# Every rank takes rank 0's random projection, so all start from the same matrix.
torch::distributed_init
torch::manual_seed 11
set proj [torch::distributed_broadcast [torch::randn {2 3}] 0]
puts [torch::tensor_shape $proj]
