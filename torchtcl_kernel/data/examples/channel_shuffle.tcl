# Six channels in 2 groups of 3: channel c holds the value c, so the new order shows through.
set x [torch::tensor_reshape [torch::arange 0 6 1 float32] {1 6 1 1}]
set y [torch::channel_shuffle -input $x -groups 2]
puts [torch::tensor_print [torch::tensor_reshape $y {6}]]
