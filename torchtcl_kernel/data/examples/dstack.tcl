# Red, green and blue 2 x 2 planes joined along a third axis into one 2 x 2 x 3 image.
set red [torch::ones {2 2}]
set green [torch::zeros {2 2}]
set blue [torch::full {2 2} 0.5]
set image [torch::dstack $red $green $blue]
puts "image shape: [torch::tensor_shape $image]"
puts [torch::tensor_print [torch::tensor_reshape $image {4 3}]]
