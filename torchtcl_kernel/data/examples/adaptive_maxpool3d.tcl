# Global max pooling of a volume: output size 1 along every dimension.
set volume [torch::tensor_reshape [torch::arange -start 0 -end 27 -dtype float32] {1 1 3 3 3}]
puts [torch::tensor_print [torch::adaptiveMaxpool3d -input $volume -outputSize 1]]
puts [torch::tensor_shape [torch::adaptive_maxpool3d $volume {2 1 3}]]
