# Each sample of a short sequence repeated three times.
set seq [torch::tensor_create {{{1.0 2.0 3.0}}} float32]
puts [torch::tensor_print [torch::upsample_nearest $seq 9]]
