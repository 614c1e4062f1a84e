# Windows of 3 samples, 2 apart, along a series of 7: each row is one window.
set series [torch::arange 1 8 -dtype float32]
puts [torch::tensor_print [torch::unfold $series 0 3 2]]
set grid [torch::tensor_reshape [torch::arange 0 8] {2 4}]
puts [torch::tensor_shape [torch::unfold -input $grid -dimension 1 -size 2 -step 1]]
