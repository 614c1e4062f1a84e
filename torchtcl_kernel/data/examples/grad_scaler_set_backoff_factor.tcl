# Back off harder: a quarter of the scale after an overflow.
set scaler [torch::grad_scaler_new 1024.0 -device cpu]
torch::grad_scaler_set_backoff_factor $scaler 0.25
puts "backoff factor now [torch::grad_scaler_get_backoff_factor $scaler]"
set w [torch::ones {1} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
torch::tensor_backward [torch::grad_scaler_scale $scaler [torch::tensor_sum [torch::tensor_mul $w 1e38]]]
torch::grad_scaler_step $scaler $opt
torch::grad_scaler_update $scaler
puts "scale after one overflow: [torch::grad_scaler_get_scale $scaler]"
