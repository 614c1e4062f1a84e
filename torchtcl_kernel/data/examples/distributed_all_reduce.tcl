# Average a validation loss over the job's ranks.
torch::distributed_init
set loss [torch::tensor_create {0.731}]
puts [torch::tensor_to_list [torch::distributed_all_reduce -tensor $loss -operation mean]]
