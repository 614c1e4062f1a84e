# Pool a 4x4x6 volume down to 1x2x3 cells of averages.
set volume [torch::tensor_reshape [torch::arange -start 0 -end 96 -dtype float32] {1 1 4 4 6}]
set cells [torch::adaptive_avgpool3d -input $volume -output_size {1 2 3}]
puts "[torch::tensor_shape $cells]: [torch::tensor_print $cells]"
