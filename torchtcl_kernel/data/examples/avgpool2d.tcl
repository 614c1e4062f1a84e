# Average pooling of a 4x4 image into 2x2 blocks, as a layer and applied directly.
set image [torch::tensor_reshape [torch::arange -start 1 -end 17 -dtype float32] {1 1 4 4}]
set pool [torch::avgpool2d 2]
puts [torch::tensor_print [torch::layer_forward $pool $image]]
puts [torch::tensor_print [torch::avgPool2d -input $image -kernelSize {1 4}]]
