# Only rank 0 writes the log in a data-parallel job; alone, this process is rank 0.
torch::distributed_init
if {[torch::getRank] == 0} { puts "rank [torch::get_rank] writes the log" }
