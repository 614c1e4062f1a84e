# Reflection padding of a 3x3x3 volume grows each side by the given amounts.
set vol [torch::tensor_reshape [torch::arange -start 0 -end 27 -dtype float32] {1 1 3 3 3}]
puts [torch::tensor_shape [torch::reflection_pad3d $vol {1 2 0 1 2 0}]]
