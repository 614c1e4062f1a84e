# Describe GPU 0; without CUDA the command fails and says why.
if {[catch {torch::cuda_device_info 0} info]} {
    puts "nothing to describe: $info"
} else {
    puts $info
}
