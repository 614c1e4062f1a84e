# A disabled scaler passes everything through unchanged (handy to switch AMP off by a flag).
set on [torch::grad_scaler_new -device cpu]
set off [torch::grad_scaler_new -enabled false -device cpu]
puts "on: [torch::grad_scaler_is_enabled $on], off: [torch::grad_scaler_is_enabled $off]"
puts "disabled scaler leaves the loss as is: [torch::tensor_item [torch::grad_scaler_scale $off [torch::full {} 2.0]]]"
