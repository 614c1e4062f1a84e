# Ask whether a send has finished without blocking, then wait for it (2 ranks:
# `torchtcl launch -n 2 this.tcl`).
torch::distributed_init
if {[torch::get_world_size] == 2} {
    set other [expr {1 - [torch::get_rank]}]
    set r [torch::distributed_irecv {1} $other]
    set s [torch::distributed_isend [torch::tensor_create {1.0}] $other]
    puts "send finished yet: [torch::distributed_test $s]"
    torch::distributed_wait $s
    puts "received [torch::tensor_to_list [torch::distributed_wait $r]]"
} else {
    catch {torch::distributed_test -handle no_request} msg
    puts "alone: $msg"
}
