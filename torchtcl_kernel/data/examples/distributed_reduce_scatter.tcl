# Sum gradients over the ranks, each rank keeping only its slice of the rows.
torch::distributed_init
set grads [torch::tensor_create {{0.1 0.2} {0.3 0.4}}]
puts [torch::tensor_to_list [torch::distributed_reduce_scatter $grads sum]]
