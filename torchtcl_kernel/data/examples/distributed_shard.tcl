# Rank 1 of 3 takes its share of 8 samples, shuffled for epoch 4 (the same order on every rank).
set samples [torch::arange 0 8 1 float32]
puts [torch::tensor_to_list [torch::distributed_shard $samples -seed 42 -epoch 4 -rank 1 -worldSize 3]]
puts [torch::tensor_to_list [torch::distributedShard $samples -shuffle 0 -rank 1 -worldSize 3 -dropLast 1]]
