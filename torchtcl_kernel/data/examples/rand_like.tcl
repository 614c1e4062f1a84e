# Uniform noise in [0, 1) with the shape and dtype of another tensor.
torch::manual_seed 3
set image [torch::zeros {2 4} float64]
set noise [torch::rand_like $image]
puts "[torch::tensor_shape $noise] [torch::tensor_dtype $noise]"
puts "mean [format %.2f [torch::tensor_item [torch::tensor_mean $noise]]]"
