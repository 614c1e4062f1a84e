# Two independent linear maps, a rotation-like 2 x 2 and a 1 x 1 scale, as one 3 x 3 matrix.
set turn [torch::tensor_create {{0 -1} {1 0}}]
set scale [torch::tensor_create {{3}}]
puts [torch::tensor_print [torch::block_diag $turn $scale]]
