# A 2 x 2 tensor of 7.5, and a 0-d one (an empty shape).
set t [torch::full {2 2} 7.5]
puts [torch::tensor_print $t]
set scalar [torch::full {} 3]
puts "0-d: shape {[torch::tensor_shape $scalar]}, value [torch::tensor_item $scalar]"
