# Rank 1 waits for a 2-element vector from rank 0 (in a 2-process job); alone, there is no rank 0
# to receive from but itself.
torch::distributed_init
if {[torch::get_world_size] > 1 && [torch::get_rank] == 1} {
    puts [torch::tensor_to_list [torch::distributed_recv {2} 0 5]]
} else {
    catch {torch::distributed_recv -shape {2} -src 1} msg
    puts "alone: $msg"
}
