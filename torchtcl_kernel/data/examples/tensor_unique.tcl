# Distinct labels, then where each sample's label sits among them and how often each occurs.
set labels [torch::tensor_create {3 1 3 2 1 3} int64]
puts [torch::tensor_print [torch::tensor_unique $labels]]
set parts [torch::tensorUnique -tensor $labels -returnInverse 1 -returnCounts 1]
puts "inverse [torch::tensor_print [dict get $parts inverse]]"
puts "counts  [torch::tensor_print [dict get $parts counts]]"
