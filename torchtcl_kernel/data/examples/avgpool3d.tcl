# avgpool3d checks the input, then returns the layer; layer_forward pools with it.
set cube [torch::tensor_reshape [torch::arange -start 0 -end 8 -dtype float32] {1 1 2 2 2}]
set pool [torch::avgpool3d $cube 2]
puts [torch::tensor_print [torch::layer_forward $pool $cube]]
