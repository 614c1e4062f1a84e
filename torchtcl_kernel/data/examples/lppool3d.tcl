# L1 pooling (p = 1) over 2x2x2 blocks sums each block of ones: 8.
set ones [torch::ones -shape {1 1 2 4 4}]
set pooled [torch::lppool3d -input $ones -normType 1.0 -kernelSize 2]
puts "[torch::tensor_shape $pooled]: [torch::tensor_print $pooled]"
