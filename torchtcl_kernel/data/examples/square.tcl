# Squared errors; an integer tensor stays integer.
set err [torch::tensor_create {-3 0 2 5} int64]
set sq [torch::square $err]
puts "[torch::tensor_dtype $sq]: [torch::tensor_print $sq]"
