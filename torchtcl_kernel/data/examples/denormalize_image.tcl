# Back from normalized values to pixel intensities with per-channel mean and std (2 channels).
set norm [torch::tensor_create -data {-1.0 0.0 1.0 2.0} -shape {2 1 2} -dtype float32]
set mean [torch::tensor_create -data {0.5 0.4} -shape {2 1 1} -dtype float32]
set std [torch::tensor_create -data {0.25 0.1} -shape {2 1 1} -dtype float32]
puts [torch::tensor_print [torch::denormalize_image $norm $mean $std]]
