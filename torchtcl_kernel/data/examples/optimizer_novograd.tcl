# NovoGrad: gradients normalised per tensor, then momentum.
set w [torch::full {4} 2.0 -requiresGrad true]
set target [torch::zeros {4}]
set opt [torch::optimizer_novograd [list $w] 0.05]
set first ""
for {set i 0} {$i < 100} {incr i} {
    torch::optimizer_zero_grad $opt
    set loss [torch::mse_loss $w $target]
    if {$first eq ""} { set first [torch::tensor_item $loss] }
    torch::tensor_backward $loss
    torch::optimizer_step $opt
}
puts "loss: $first at the start, [format %.4f [torch::tensor_item $loss]] after 100 steps"
