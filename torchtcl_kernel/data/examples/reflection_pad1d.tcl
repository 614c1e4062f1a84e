# Mirror a row about its first and last elements (which are not repeated).
set row [torch::tensor_reshape [torch::tensor_create {1.0 2.0 3.0 4.0}] {1 4}]
puts [torch::tensor_print [torch::reflection_pad1d $row {2 1}]]
