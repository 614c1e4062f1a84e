# Heights-like samples around 170 with spread 8.
torch::manual_seed 4
set h [torch::normal -mean 170.0 -std 8.0 -size {5000}]
puts "mean [format %.1f [torch::tensor_item [torch::tensor_mean $h]]], std [format %.1f [torch::tensor_item [torch::tensor_std $h]]]"
puts "default size: [torch::tensor_shape [torch::normal 0.0 1.0]]"
