# L2 pooling of 2x2 blocks of a 2x4 map: the norm of each block.
set x [torch::tensor_reshape [torch::tensor_create {1.0 1.0 2.0 2.0 1.0 1.0 2.0 2.0}] {1 1 2 4}]
puts [torch::tensor_print [torch::lppool2d $x 2.0 2]]
