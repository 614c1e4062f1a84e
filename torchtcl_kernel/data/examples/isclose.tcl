# Equal up to rounding: 0.1 + 0.2 is not exactly 0.3 in floating point.
set a [torch::tensor_create {0.1 1.0} float64]
set sum [torch::tensor_add $a [torch::tensor_create {0.2 1.0} float64]]
set want [torch::tensor_create {0.3 2.0} float64]
puts "exact: [torch::tensor_print [torch::eq $sum $want]]"
puts "close: [torch::tensor_print [torch::isclose $sum $want]]"
# A looser relative tolerance accepts a 3% difference.
set rough [torch::tensor_create {0.31 2.0} float64]
puts "rtol 0.05: [torch::tensor_print [torch::isClose -input $sum -other $rough -rtol 0.05]]"
