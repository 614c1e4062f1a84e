# Wrap a periodic signal around: its end comes before it, its start after it.
set hours [torch::tensor_reshape [torch::tensor_create {1.0 2.0 3.0 4.0}] {1 4}]
puts [torch::tensor_print [torch::circular_pad1d $hours {2 1}]]
