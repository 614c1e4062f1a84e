# Wait for a pending send and receive (2 ranks: `torchtcl launch -n 2 this.tcl`).
torch::distributed_init
if {[torch::get_world_size] == 2} {
    set other [expr {1 - [torch::get_rank]}]
    set s [torch::distributed_isend [torch::tensor_create {3.0 4.0}] $other]
    set r [torch::distributed_irecv {2} $other]
    puts "[torch::distributed_wait $s] [torch::tensor_to_list [torch::distributed_wait -handle $r]]"
} else {
    catch {torch::distributed_wait no_request} msg
    puts "alone: $msg"
}
