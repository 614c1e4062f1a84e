# Put a layer on the GPU where there is one; without CUDA the command says so.
set fc [torch::linear 4 2]
if {[catch {torch::layer_cuda $fc} result]} {
    puts "stays on [torch::layer_device $fc]: $result"
} else {
    puts "$result is now on [torch::layer_device $fc]"
}
