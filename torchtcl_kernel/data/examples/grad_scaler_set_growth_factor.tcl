# Grow the scale 4x (instead of 2x) after each run of clean steps.
set scaler [torch::grad_scaler_new -device cpu]
puts [torch::grad_scaler_set_growth_factor $scaler 4.0]
puts "growth factor now [torch::grad_scaler_get_growth_factor $scaler]"
