# Give a Conv2d layer a fixed vertical-edge filter and a bias of 0.5, then run it.
set layer [torch::conv2d -inChannels 1 -outChannels 1 -kernelSize {1 2}]
set filter [torch::tensor_create {{{{-1.0 1.0}}}}]
puts [torch::conv2d_set_weights $layer $filter [torch::tensor_create {0.5}]]
set image [torch::tensor_create {{{{0.0 0.0 1.0 1.0} {0.0 1.0 1.0 1.0}}}}]
puts [torch::tensor_print [torch::layer_forward $layer $image]]
