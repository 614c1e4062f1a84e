# Zero mean, unit spread per channel of a 2-channel 1 x 2 image, using a {2 1 1} mean and std.
set img [torch::tensor_create -data {100.0 200.0 10.0 30.0} -shape {2 1 2} -dtype float32]
set mean [torch::tensor_create -data {150.0 20.0} -shape {2 1 1} -dtype float32]
set std [torch::tensor_create -data {50.0 10.0} -shape {2 1 1} -dtype float32]
puts [torch::tensor_print [torch::normalize_image -image $img -mean $mean -std $std]]
