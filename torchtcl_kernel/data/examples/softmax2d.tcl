# Softmax across the channels of every pixel of an N,C,H,W batch.
set img [torch::tensor_reshape [torch::arange 0 8] {1 2 2 2}]
set p [torch::softmax2d [torch::tensor_to $img cpu float32]]
puts [torch::tensor_print [torch::tensor_sum $p 1]]
