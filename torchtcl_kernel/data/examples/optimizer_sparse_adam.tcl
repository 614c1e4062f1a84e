# SparseAdam is for parameters whose gradients are sparse; here it is only created and inspected
# (a step on dense gradients is an error from PyTorch).
set table [torch::randn {100 8} -requiresGrad true]
set opt [torch::optimizer_sparse_adam [list $table] 0.01]
set info [lindex [torch::handles -kind optimizer] 0]
puts "$opt: [dict get $info type], lr [torch::get_lr $opt]"
