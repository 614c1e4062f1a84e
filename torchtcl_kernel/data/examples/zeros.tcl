# Zeros of a shape; dtype, device and requiresGrad follow positionally or by name.
set z [torch::zeros {2 3}]
puts [torch::tensor_print $z]
set counts [torch::zeros {5} int64]
puts "[torch::tensor_dtype $counts], sum [torch::tensor_item [torch::tensor_sum $counts]]"
