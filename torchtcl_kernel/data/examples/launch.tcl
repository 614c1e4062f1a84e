# Two worker processes sum their ranks with all_reduce; each line comes back prefixed.
torch::launch -nproc 2 {
    torch::distributed_init
    set mine [torch::full {1} [expr {[torch::get_rank] + 1.0}]]
    puts "sum over ranks: [torch::tensor_item [torch::all_reduce $mine sum]]"
}
