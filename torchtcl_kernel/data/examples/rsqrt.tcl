# 1/sqrt(x), e.g. to scale vectors by their inverse length.
set sq [torch::tensor_create {1.0 4.0 16.0 0.25}]
puts [torch::tensor_print [torch::rsqrt $sq]]
