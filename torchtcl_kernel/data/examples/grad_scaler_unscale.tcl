# Unscale before stepping, to look at (or clip) the true gradients: d(sum 3w)/dw = 3.
set w [torch::ones {3} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
set scaler [torch::grad_scaler_new 1024.0 -device cpu]
torch::tensor_backward [torch::grad_scaler_scale $scaler [torch::tensor_sum [torch::tensor_mul $w 3]]]
puts "scaled gradient:   [torch::tensor_print [torch::tensor_grad $w]]"
torch::grad_scaler_unscale $scaler $opt
puts "unscaled gradient: [torch::tensor_print [torch::tensor_grad $w]]"
torch::grad_scaler_step $scaler $opt
torch::grad_scaler_update $scaler
puts "w: [torch::tensor_print $w]"
