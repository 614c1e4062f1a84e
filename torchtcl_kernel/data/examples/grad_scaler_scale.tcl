# The loss times the current scale: what backward should be called on.
set scaler [torch::grad_scaler_new 1024.0 -device cpu]
set loss [torch::full {} 0.5]
set scaled [torch::grad_scaler_scale $scaler $loss]
puts "[torch::tensor_item $loss] x [torch::grad_scaler_get_scale $scaler] = [torch::tensor_item $scaled]"
