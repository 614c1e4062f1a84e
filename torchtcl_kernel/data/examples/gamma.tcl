# Gamma samples with shape 3 and rate 2 average about 3/2.
torch::manual_seed 21
set g [torch::gamma -size {4000} -alpha 3.0 -beta 2.0]
puts "sample mean: [format %.2f [torch::tensor_item [torch::tensor_mean $g]]]"
puts "shape: [torch::tensor_shape [torch::gamma {2 3} 0.5 1.0]]"
