# One mixed-precision style step: backward on the scaled loss, then the scaler steps the optimizer
# with the gradients divided back (w - 0.1 * 2w = 0.8w).
set w [torch::tensor_create {1.0 2.0} -requiresGrad true]
set opt [torch::optimizer_sgd [list $w] 0.1]
set scaler [torch::grad_scaler_new 256.0 -device cpu]
set loss [torch::tensor_sum [torch::tensor_mul $w $w]]
torch::tensor_backward [torch::grad_scaler_scale $scaler $loss]
puts [torch::grad_scaler_step $scaler $opt]
puts "w after the step: [torch::tensor_print $w]"
