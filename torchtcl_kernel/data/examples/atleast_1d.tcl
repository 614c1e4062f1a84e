# A lone reading (a 0-d tensor) becomes a one-element vector; vectors pass through unchanged.
set reading [torch::tensor_create -data 36.6 -shape {}]
puts "0-d -> [torch::tensor_shape [torch::atleast_1d $reading]]"
puts "vector -> [torch::tensor_shape [torch::atleast1d -input [torch::ones {4}]]]"
