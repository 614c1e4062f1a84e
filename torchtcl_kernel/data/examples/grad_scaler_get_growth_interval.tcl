# How many clean steps in a row before the scale grows.
set scaler [torch::grad_scaler_new -device cpu]
puts "default: [torch::grad_scaler_get_growth_interval $scaler]"
