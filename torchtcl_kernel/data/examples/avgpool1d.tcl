# Smooth a noisy signal: the mean of every window of 3 samples, stepping by 1.
set signal [torch::tensor_reshape [torch::tensor_create {2.0 4.0 9.0 1.0 5.0 3.0}] {1 1 6}]
puts [torch::tensor_print [torch::avgpool1d $signal 3 1]]
# Padded edges, the zeros left out of each mean.
puts [torch::tensor_print [torch::avgPool1d -input $signal -kernelSize 3 -stride 1 -padding 1 -countIncludePad 0]]
