# Each column gets its own grid: steps of 0.5 in the first, 0.01 in the second.
set x [torch::tensor_create {{1.26 0.1234} {-0.74 0.9876}}]
set scales [torch::tensor_create {0.5 0.01}]
set zeros [torch::tensor_create -data {0 0} -dtype int32]
set y [torch::fake_quantize_per_channel -input $x -scales $scales -zeroPoints $zeros -axis 1]
puts [torch::tensor_print $y]
