# Gradients that overflow (1e38 x the scale is inf in float32): the step is skipped and update
# halves the scale. -newScale sets the scale outright.
set w [torch::ones {2} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
set scaler [torch::grad_scaler_new 65536.0 -device cpu]
torch::tensor_backward [torch::grad_scaler_scale $scaler [torch::tensor_sum [torch::tensor_mul $w 1e38]]]
torch::grad_scaler_step $scaler $opt
puts [torch::grad_scaler_update $scaler]
puts "scale after the overflow: [torch::grad_scaler_get_scale $scaler]"
puts "w untouched: [torch::tensor_print $w]"
torch::grad_scaler_update $scaler -newScale 8.0
puts "scale set by hand: [torch::grad_scaler_get_scale $scaler]"
