# The value of a one-element tensor: floats print as %f, integers and booleans as they are.
puts [torch::tensor_item [torch::tensor_sum [torch::tensor_create {1.5 2.5}]]]
puts [torch::tensor_item [torch::full {} 42 int64]]
set n [torch::tensor_item [torch::full {} 0.25]]
puts "usable in expr: [expr {$n * 4}]"
