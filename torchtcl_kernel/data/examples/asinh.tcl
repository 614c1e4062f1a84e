# asinh grows like log for large inputs and is odd: asinh(-x) = -asinh(x).
set x [torch::tensor_create {-100.0 -1.0 0.0 1.0 100.0}]
puts [torch::tensor_print [torch::asinh $x]]
