# Choose where to compute: the GPU if there is one, else the CPU.
set device [expr {[torch::cuda_is_available] ? "cuda" : "cpu"}]
set x [torch::ones {2 2} -device $device]
puts "cuda_is_available: [torch::cuda_is_available], tensor on [torch::tensor_device $x]"
