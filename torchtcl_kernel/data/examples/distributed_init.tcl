# Join a one-process job (no network needed for a world of one); under torchrun or
# `torchtcl launch -n N` a bare `torch::distributed_init` reads RANK, WORLD_SIZE, ... instead.
puts [torch::distributed_init -rank 0 -worldSize 1 -masterAddr 127.0.0.1 -backend gloo]
puts "rank [torch::get_rank] of [torch::get_world_size]"
