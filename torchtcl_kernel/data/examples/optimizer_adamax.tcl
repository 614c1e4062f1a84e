# Adamax (all positional words after the parameters are optional): minimise (w - 1)^2.
set w [torch::full {3} 5.0 -requiresGrad true]
set target [torch::ones {3}]
set opt [torch::optimizer_adamax [list $w] 0.2]
for {set i 0} {$i < 100} {incr i} {
    torch::optimizer_zero_grad $opt
    set loss [torch::mse_loss $w $target]
    torch::tensor_backward $loss
    torch::optimizer_step $opt
}
puts "loss: [format %.5f [torch::tensor_item $loss]]"
