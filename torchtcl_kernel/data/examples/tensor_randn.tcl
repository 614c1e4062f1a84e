# Standard normal values, as randn makes them: their mean is near 0.
torch::manual_seed 14
set z [torch::tensor_randn -shape {4000}]
puts "mean: [format %.2f [torch::tensor_item [torch::tensor_mean $z]]]"
