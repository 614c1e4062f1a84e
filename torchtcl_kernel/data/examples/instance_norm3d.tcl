# One 3-D volume with 2 channels (4x4x4 voxels), one of them offset by 40: after instance
# normalisation both channels average 0.
torch::manual_seed 12
set vol [torch::randn {1 2 4 4 4}]
set shift [torch::tensor_reshape [torch::tensor_create {0.0 40.0}] {1 2 1 1 1}]
set out [torch::instance_norm3d [torch::tensor_add $vol $shift] 1e-5]
puts "channel means: [lmap v [torch::tensor_to_list [torch::mean_dim [torch::tensor_reshape $out {2 64}] 1]] {format %.3f $v}]"
