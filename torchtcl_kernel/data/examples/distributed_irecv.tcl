# A ring: each rank posts a receive from the previous rank, then collects it.
torch::distributed_init
set n [torch::get_world_size]
set prev [expr {([torch::get_rank] + $n - 1) % $n}]
if {$n > 1} {
    set h [torch::distributed_irecv {1} $prev]
    puts [torch::tensor_to_list [torch::distributed_wait $h]]
} else {
    catch {torch::distributedIrecv -shape {1} -src 3} msg
    puts "alone: $msg"
}
