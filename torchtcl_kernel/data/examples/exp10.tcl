# From decibel-like exponents to ratios; integer input comes back as float.
set e [torch::tensor_create {-2 0 1 3} int64]
set r [torch::exp10 $e]
puts "[torch::tensor_dtype $r]: [torch::tensor_print $r]"
