# The CUDA caching allocator's counters (only the availability without CUDA).
set stats [torch::memory_stats]
regexp {cuda_available: (true|false)} $stats -> available
puts "CUDA available: $available"
if {[regexp {allocated_bytes.all.current: (\d+)} $stats -> bytes]} {
    puts "bytes held by tensors on the GPU: $bytes"
}
