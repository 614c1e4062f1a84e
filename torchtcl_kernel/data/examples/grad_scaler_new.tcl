# A scaler with the default settings, and one with a smaller start and faster growth.
set default [torch::grad_scaler_new -device cpu]
puts "default scale: [torch::grad_scaler_get_scale $default]"
set custom [torch::grad_scaler_new 1024.0 4.0 0.25 100 -device cpu]
puts "custom: scale [torch::grad_scaler_get_scale $custom],\
      growth [torch::grad_scaler_get_growth_factor $custom],\
      interval [torch::grad_scaler_get_growth_interval $custom]"
