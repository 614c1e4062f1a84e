# Uniform samples in [0, 1): their mean comes out near 0.5.
torch::manual_seed 7
set u [torch::rand {1000}]
puts "mean of 1000 samples: [format %.2f [torch::tensor_item [torch::tensor_mean $u]]]"
