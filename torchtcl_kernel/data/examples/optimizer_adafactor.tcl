# Adafactor keeps factored second moments: little optimizer state for a big matrix.
torch::manual_seed 0
set w [torch::randn {64 64} -requiresGrad true]
set opt [torch::optimizer_adafactor [list $w] 0.05]
for {set i 0} {$i < 20} {incr i} {
    torch::optimizer_zero_grad $opt
    set loss [torch::tensor_mean [torch::tensor_mul $w $w]]
    torch::tensor_backward $loss
    torch::optimizer_step $opt
}
puts "mean w^2 after 20 steps: [format %.4f [torch::tensor_item $loss]]"
puts "optimizer state: [dict get [lindex [torch::handles -kind optimizer] 0] bytes] bytes"
