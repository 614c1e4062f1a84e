# A 2x2x2 volume upsampled to 4x4x4 with 4 output channels, then one grouped variant.
torch::manual_seed 0
set x [torch::randn -shape {1 2 2 2 2}]
set w [torch::randn -shape {2 4 2 2 2}]
puts [torch::tensor_shape [torch::conv_transpose3d $x $w none 2]]
puts [torch::tensor_shape [torch::convTranspose3d -input $x -weight $w -stride 2 -groups 2]]
