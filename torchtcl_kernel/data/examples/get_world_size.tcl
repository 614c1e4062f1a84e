# Split a global batch of 96 samples evenly over the job's processes.
torch::distributed_init
set per_rank [expr {96 / [torch::get_world_size]}]
puts "processes: [torch::getWorldSize], samples per process: $per_rank"
