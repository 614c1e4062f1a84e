# Bring a layer (back) to the CPU; the same handle comes back, for chaining.
set fc [torch::linear 4 2]
set same [torch::layer_cpu $fc]
puts "$same is on [torch::layer_device $same]"
