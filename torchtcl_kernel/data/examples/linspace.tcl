# Five evenly spaced values from 0 to 1, both ends included.
set t [torch::linspace 0 1 5]
puts [torch::tensor_print $t]
