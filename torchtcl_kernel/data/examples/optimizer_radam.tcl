# RAdam fitting w to a target; its warm-up needs no separate schedule.
set w [torch::zeros {3} -requiresGrad true]
set target [torch::tensor_create {1.0 2.0 3.0}]
set opt [torch::optimizer_radam [list $w] 0.1]
for {set i 0} {$i < 200} {incr i} {
    torch::optimizer_zero_grad $opt
    set loss [torch::mse_loss $w $target]
    torch::tensor_backward $loss
    torch::optimizer_step $opt
}
puts "loss: [format %.4f [torch::tensor_item $loss]]"
