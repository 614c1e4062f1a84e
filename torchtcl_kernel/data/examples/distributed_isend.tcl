# A ring: each rank starts sending its id to the next rank and goes on with its work.
torch::distributed_init
set n [torch::get_world_size]
set next [expr {([torch::get_rank] + 1) % $n}]
if {$n > 1} {
    set h [torch::distributed_isend [torch::tensor_create {7.0}] $next]
    puts [torch::distributed_wait $h]
} else {
    catch {torch::distributed_isend [torch::tensor_create {7.0}] 1} msg
    puts "alone: $msg"
}
