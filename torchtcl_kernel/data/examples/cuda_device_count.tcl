# How many GPUs can PyTorch use here? (0 on a machine without CUDA.)
set n [torch::cuda_device_count]
puts "CUDA devices: $n"
for {set i 0} {$i < $n} {incr i} {
    puts "  [torch::cuda_device_info $i]"
}
