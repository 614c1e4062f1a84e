# What the scale is multiplied by after growthInterval clean steps.
set scaler [torch::grad_scaler_new -device cpu]
puts "default: [torch::grad_scaler_get_growth_factor $scaler]"
puts "custom:  [torch::grad_scaler_get_growth_factor [torch::grad_scaler_new 1024.0 1.5 -device cpu]]"
