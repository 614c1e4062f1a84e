# Tensor values as a Tcl list (one level per dimension), ready for foreach and lindex.
set m [torch::tensor_create {{1.5 2} {3 4.25}} float64]
set rows [torch::tensor_to_list $m]
foreach row $rows { puts "row: $row (sum [tcl::mathop::+ {*}$row])" }
puts "element (1,0): [lindex $rows 1 0]"
puts "bools: [torch::tensor_to_list [torch::tensor_create {1 0 1} bool]]"
