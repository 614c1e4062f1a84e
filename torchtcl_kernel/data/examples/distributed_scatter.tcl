# Rank 0 hands out one block of 4 work items per rank.
torch::distributed_init
set items [torch::arange 0 4 1 float32]
puts [torch::tensor_to_list [torch::distributed_scatter -tensor $items -src 0]]
