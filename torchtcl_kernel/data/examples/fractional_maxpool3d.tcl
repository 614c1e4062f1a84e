# 3-D fractional max pooling keeps the given share of each dimension.
torch::manual_seed 4
set x [torch::randn -shape {1 2 8 8 8}]
set y [torch::fractional_maxpool3d -input $x -kernel_size {2 2 2} -output_ratio {0.5 0.75 0.5}]
puts [torch::tensor_shape $y]
