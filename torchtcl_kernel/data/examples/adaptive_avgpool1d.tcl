# Whatever the length, adaptive pooling gives the requested number of means.
set week [torch::tensor_reshape [torch::tensor_create {12.0 15.0 11.0 18.0 20.0 22.0 9.0}] {1 1 7}]
puts [torch::tensor_print [torch::adaptive_avgpool1d $week 2]]
puts [torch::tensor_print [torch::adaptiveAvgpool1d -input $week -outputSize 1]]
