# AdamW on a small model; its weight decay is applied separately from the gradient step.
torch::manual_seed 0
set x [torch::randn {32 4}]
set y [torch::tensor_matmul $x [torch::tensor_create {1 -1 0.5 2} {4 1}]]
set model [torch::linear 4 1]
set opt [torch::optimizer_adamw [torch::layer_parameters $model] 0.05 -weightDecay 0.001]
for {set i 0} {$i < 150} {incr i} {
    torch::optimizer_zero_grad $opt
    set loss [torch::mse_loss [torch::layer_forward $model $x] $y]
    torch::tensor_backward $loss
    torch::optimizer_step $opt
}
puts "loss after 150 steps: [format %.4f [torch::tensor_item $loss]]"
