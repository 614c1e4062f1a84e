# Sum each rank's count of correct predictions (in a one-process job the total is its own).
torch::distributed_init
set correct [torch::tensor_create -data {17 4} -dtype int64]
puts [torch::tensor_to_list [torch::all_reduce $correct sum]]
puts [torch::tensor_to_list [torch::allReduce -tensor [torch::tensor_create {0.5 2.5}] -operation max]]
