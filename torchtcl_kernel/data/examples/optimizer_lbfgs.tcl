# L-BFGS re-evaluates the loss itself: give optimizer_step a closure script that returns it.
set w [torch::zeros {2} -requiresGrad true]
set target [torch::tensor_create {1.5 -2.0}]
set opt [torch::optimizer_lbfgs [list $w] 1.0]
set closure {
    torch::optimizer_zero_grad $opt
    set loss [torch::mse_loss $w $target]
    torch::tensor_backward $loss
    set loss
}
torch::optimizer_step $opt -closure $closure
puts "w after one L-BFGS step: [torch::tensor_print $w]"
