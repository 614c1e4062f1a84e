# Keep values in [0, 1], or bound them on one side only.
set x [torch::tensor_create {-0.4 0.2 0.9 1.7}]
puts [torch::tensor_print [torch::tensor_clamp $x 0.0 1.0]]
puts [torch::tensor_print [torch::tensor_clamp -tensor $x -max 0.5]]
