# Storage shaped like another tensor, to be filled later (its values are whatever memory held).
set ref [torch::ones {2 4} float64]
set buf [torch::empty_like $ref]
puts "shape [torch::tensor_shape $buf], dtype [torch::tensor_dtype $buf]"
puts "as int32: [torch::tensor_dtype [torch::emptyLike -input $ref -dtype int32]]"
