# Restore one scaler's state into another.
set saved [torch::grad_scaler_new 128.0 3.0 0.25 10 -device cpu]
set state [torch::grad_scaler_state_dict $saved]
set fresh [torch::grad_scaler_new -device cpu]
puts [torch::grad_scaler_load_state_dict $fresh $state]
puts "scale [torch::grad_scaler_get_scale $fresh], growth [torch::grad_scaler_get_growth_factor $fresh],\
      interval [torch::grad_scaler_get_growth_interval $fresh]"
