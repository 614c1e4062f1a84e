# Time an operation on random inputs: the answer is the total in microseconds.
set us [torch::benchmark matmul 5 64x64]
puts "5 products of two 64x64 matrices took $us microseconds"
# -verbose 1 describes the run too.
puts [torch::benchmark -op add -iter 10 -size 128x128 -verbose 1]
