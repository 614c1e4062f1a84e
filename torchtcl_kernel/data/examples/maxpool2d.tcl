# Halve a 4x4 activation map with a 2x2 max pooling layer.
set grid [torch::tensor_reshape [torch::arange -start 0 -end 16 -dtype float32] {1 1 4 4}]
set pool [torch::maxpool2d 2]
puts [torch::tensor_print [torch::layer_forward $pool $grid]]
# The same pooling applied directly, with its argmax indices.
lassign [torch::maxpool2d -input $grid -kernelSize 2 -returnIndices 1] values where
puts [torch::tensor_print $where]
