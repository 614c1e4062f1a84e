# A grey 2 x 3 image gains a trailing channel axis; a vector is framed as 1 x n x 1.
set image [torch::tensor_create {{0 64 128} {192 255 32}} uint8]
puts "image: [torch::tensor_shape [torch::atleast_3d $image]]"
puts "vector: [torch::tensor_shape [torch::atleast3d -input [torch::tensor_create {1 2 3 4}]]]"
