# A week of daily values shifted by two days (the last two wrap round to the front).
set week [torch::tensor_create {1 2 3 4 5 6 7} int32]
puts [torch::tensor_print [torch::roll $week 2]]
set m [torch::tensor_create {{1 2 3} {4 5 6}}]
puts [torch::tensor_print [torch::roll -input $m -shifts {-1} -dims {1}]]
