# Rank 0 sends a vector to rank 1 (`torchtcl launch -n 2 this.tcl`); alone, there is no rank 1.
torch::distributed_init
set v [torch::tensor_create {1.5 2.5}]
if {[catch {torch::distributed_send -tensor $v -dst 1 -tag 5} msg]} { puts "alone: $msg" }
