# Wait for queued GPU work before reading a clock (a no-op answer without CUDA).
set start [clock microseconds]
set x [torch::tensor_matmul [torch::ones {64 64}] [torch::ones {64 64}]]
puts "synchronize: [torch::synchronize]"
puts "took [expr {[clock microseconds] - $start}] microseconds"
