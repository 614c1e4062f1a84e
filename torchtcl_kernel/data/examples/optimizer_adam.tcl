# Adam pulling two numbers towards 3 (lr 0.1).
set w [torch::zeros {2} -requiresGrad true]
set target [torch::full {2} 3.0]
set opt [torch::optimizer_adam [list $w] 0.1]
for {set i 0} {$i < 200} {incr i} {
    torch::optimizer_zero_grad $opt
    set loss [torch::mse_loss $w $target]
    torch::tensor_backward $loss
    torch::optimizer_step $opt
}
puts "w: [torch::tensor_print $w]"
