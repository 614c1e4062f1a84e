# One row of biases seen as a 3 x 4 matrix without copying it (-1 keeps that size).
set bias [torch::tensor_create {{0.1 0.2 0.3 0.4}}]
puts [torch::tensor_print [torch::tensor_expand $bias {3 -1}]]
