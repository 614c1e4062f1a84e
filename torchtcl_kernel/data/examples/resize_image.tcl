# A 2 x 2 checker resized to 4 x 4, nearest (blocks) and bilinear (blended).
set img [torch::tensor_create {{{{0.0 1.0} {1.0 0.0}}}} float32]
puts [torch::tensor_print [torch::resize_image $img {4 4} nearest]]
puts [torch::tensor_print [torch::resizeImage -image $img -size {4 4} -alignCorners 1]]
