# A readable table of GPU memory use (a one-line answer without CUDA).
puts [torch::memory_summary]
