# Running totals of daily rainfall, and row-wise running sums of an int32 matrix (kept as int64).
set rain [torch::tensor_create {2.5 0.0 1.25 4.0}]
puts [torch::tensor_print [torch::cumsum $rain 0]]
set m [torch::tensor_create {{1 2 3} {4 5 6}} int32]
set rows [torch::cumSum -input $m -dim 1]
puts "[torch::tensor_print $rows] [torch::tensor_dtype $rows]"
