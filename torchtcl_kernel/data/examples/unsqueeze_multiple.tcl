# A 4 x 5 feature map given a batch axis in front and a channel axis after it.
set fmap [torch::zeros {4 5}]
puts [torch::tensor_shape [torch::unsqueeze_multiple $fmap {0 1}]]
puts [torch::tensor_shape [torch::unsqueezeMultiple -tensor $fmap -dims {-1}]]
