# Six values as 2 x 3, then as 3 x 2 with one dimension worked out (-1).
set t [torch::arange 6]
puts [torch::tensor_shape [torch::tensor_reshape $t {2 3}]]
set u [torch::tensor_reshape $t {-1 2}]
puts "[torch::tensor_shape $u]: [torch::tensor_print $u]"
