# The current scale: 2048 to start, 1024 after an update that found inf.
set scaler [torch::grad_scaler_new 2048.0 -device cpu]
puts "start: [torch::grad_scaler_get_scale $scaler]"
set w [torch::ones {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
torch::tensor_backward [torch::grad_scaler_scale $scaler [torch::tensor_sum [torch::tensor_mul $w 1e38]]]
torch::grad_scaler_step $scaler $opt
torch::grad_scaler_update $scaler
puts "after an overflow: [torch::grad_scaler_get_scale $scaler]"
