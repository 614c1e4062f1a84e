# Rank 0 collects every rank's per-class accuracy, one row per rank.
torch::distributed_init
set acc [torch::tensor_create {0.92 0.81 0.77}]
set table [torch::distributed_gather $acc 0]
puts "[torch::tensor_shape $table]: [torch::tensor_to_list $table]"
