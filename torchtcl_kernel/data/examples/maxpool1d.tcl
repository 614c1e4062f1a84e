# A max pooling layer over a short sensor trace: the peak of every pair of readings.
set trace [torch::tensor_reshape [torch::tensor_create {3.0 7.0 1.0 4.0 9.0 2.0}] {1 1 6}]
set pool [torch::maxpool1d 2]
puts [torch::tensor_print [torch::layer_forward $pool $trace]]
# Given the input too, the command pools it at once (overlapping windows, stride 1).
puts [torch::tensor_print [torch::maxPool1d -input $trace -kernelSize 3 -stride 1]]
