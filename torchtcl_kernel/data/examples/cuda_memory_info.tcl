# Used, free and total memory of GPU 0 in MB (an error without CUDA).
if {[catch {torch::cuda_memory_info -device_id 0} info]} {
    puts "no GPU memory to report: $info"
} else {
    regexp {Used=(\d+)MB.*Total=(\d+)MB} $info -> used total
    puts "$info ([expr {100 * $used / $total}]% in use)"
}
