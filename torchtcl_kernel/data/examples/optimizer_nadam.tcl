# NAdam with named options.
set w [torch::zeros {2} -requiresGrad true]
set target [torch::tensor_create {-1.0 1.0}]
set opt [torch::optimizer_nadam -parameters [list $w] -lr 0.05 -beta1 0.9 -beta2 0.99]
for {set i 0} {$i < 150} {incr i} {
    torch::optimizer_zero_grad $opt
    set loss [torch::mse_loss $w $target]
    torch::tensor_backward $loss
    torch::optimizer_step $opt
}
puts "w: [torch::tensor_print $w]"
