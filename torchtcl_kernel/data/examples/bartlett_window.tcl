# A 7-point symmetric triangle peaks at 1 in the middle; the periodic one (default) is for FFTs.
puts [torch::tensor_print [torch::bartlett_window 7 float32 cpu 0]]
puts [torch::tensor_print [torch::bartlettWindow -length 6]]
