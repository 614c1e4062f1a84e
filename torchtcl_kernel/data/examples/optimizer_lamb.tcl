# LAMB: Adam's direction scaled per tensor by ||w|| / ||update||.
torch::manual_seed 0
set x [torch::randn {64 3}]
set y [torch::tensor_matmul $x [torch::tensor_create {0.5 -1.0 2.0} {3 1}]]
set model [torch::linear 3 1]
set opt [torch::optimizer_lamb [torch::layer_parameters $model] 0.05 -weightDecay 0.0]
for {set i 0} {$i < 200} {incr i} {
    torch::optimizer_zero_grad $opt
    set loss [torch::mse_loss [torch::layer_forward $model $x] $y]
    torch::tensor_backward $loss
    torch::optimizer_step $opt
}
puts "loss after 200 steps: [format %.4f [torch::tensor_item $loss]]"
