# A 2x2x2 max pooling layer reduces a 4x4x4 volume to 2x2x2.
set volume [torch::tensor_reshape [torch::arange -start 0 -end 64 -dtype float32] {1 1 4 4 4}]
set pool [torch::maxpool3d -kernelSize 2]
set small [torch::layer_forward $pool $volume]
puts "shape [torch::tensor_shape $small]: [torch::tensor_print $small]"
