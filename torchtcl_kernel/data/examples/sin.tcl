# Sine at 0, 30, 60 and 90 degrees: arange times pi/6.
set angles [torch::tensor_mul [torch::arange 0 4] 0.5235988]
puts [torch::tensor_print [torch::sin $angles]]
