# What the scale is multiplied by when a step finds inf/NaN.
set scaler [torch::grad_scaler_new -device cpu]
puts "default: [torch::grad_scaler_get_backoff_factor $scaler]"
