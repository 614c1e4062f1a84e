# Fisher's z-transform of correlation coefficients is atanh(r).
set r [torch::tensor_create {-0.9 0.0 0.3 0.9}]
puts [torch::tensor_print [torch::atanh $r]]
