# SGD with momentum 0.9 on (w - 3)^2: it overshoots, then settles at 3.
set w [torch::zeros {1} -requiresGrad true]
set target [torch::full {1} 3.0]
set opt [torch::optimizer_momentum_sgd [list $w] 0.05 0.9]
for {set i 1} {$i <= 120} {incr i} {
    torch::optimizer_zero_grad $opt
    torch::tensor_backward [torch::mse_loss $w $target]
    torch::optimizer_step $opt
    if {$i in {10 20 120}} { puts "step $i: w = [format %.3f [torch::tensor_item $w]]" }
}
