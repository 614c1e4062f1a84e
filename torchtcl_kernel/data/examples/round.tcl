# Halves go to the even neighbour; -decimals rounds to decimal places.
set x [torch::tensor_create {0.5 1.5 2.5 3.14159}]
puts [torch::tensor_print [torch::round $x]]
puts [torch::tensor_print [torch::round -input $x -decimals 2]]
