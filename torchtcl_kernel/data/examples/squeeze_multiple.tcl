# A network output of shape 1 x 3 x 1 x 2 x 1: drop every size-1 axis, or only the first two.
set out [torch::zeros {1 3 1 2 1}]
puts "all: [torch::tensor_shape [torch::squeeze_multiple $out]]"
puts "dims 0 and 2: [torch::tensor_shape [torch::squeezeMultiple -tensor $out -dims {0 2}]]"
