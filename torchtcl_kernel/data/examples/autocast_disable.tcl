# Wrap only the forward pass: switch autocast off before backward and the optimizer step.
set layer [torch::linear 4 2]
torch::autocast_enable cpu bfloat16
set out [torch::layer_forward $layer [torch::randn {3 4}]]
puts [torch::autocast_disable cpu]
puts "forward ran in [torch::tensor_dtype $out]; autocast on: [torch::autocast_is_enabled cpu]"
