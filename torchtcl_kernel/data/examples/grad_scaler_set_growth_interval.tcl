# Grow after every 2 clean steps: the scale doubles twice in 4 steps.
set scaler [torch::grad_scaler_new 8.0 -device cpu]
torch::grad_scaler_set_growth_interval $scaler 2
set w [torch::ones {2} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.01]
for {set i 1} {$i <= 4} {incr i} {
    torch::optimizer_zero_grad $opt
    torch::tensor_backward [torch::grad_scaler_scale $scaler [torch::tensor_sum [torch::tensor_mul $w $w]]]
    torch::grad_scaler_step $scaler $opt
    torch::grad_scaler_update $scaler
    puts "step $i: scale [torch::grad_scaler_get_scale $scaler]"
}
