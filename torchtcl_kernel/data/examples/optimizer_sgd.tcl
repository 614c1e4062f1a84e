# Plain SGD fitting y = 2x + 1 with a one-feature linear layer.
torch::manual_seed 0
set x [torch::tensor_reshape [torch::linspace -1 1 16] {16 1}]
set y [torch::tensor_add [torch::tensor_mul $x 2] 1]
set model [torch::linear 1 1]
set opt [torch::optimizer_sgd [torch::layer_parameters $model] 0.5]
for {set i 0} {$i < 100} {incr i} {
    torch::optimizer_zero_grad $opt
    set loss [torch::mse_loss [torch::layer_forward $model $x] $y]
    torch::tensor_backward $loss
    torch::optimizer_step $opt
}
lassign [torch::layer_parameters $model] weight bias
puts "weight [format %.3f [torch::tensor_item $weight]], bias [format %.3f [torch::tensor_item $bias]]"
