# One to three numbers: end; start end; start end step (the end is never included).
puts [torch::tensor_print [torch::arange 4]]
puts [torch::tensor_print [torch::arange 2 6 int64]]
puts [torch::tensor_print [torch::arange 0 1 0.25]]
