# Fractional max pooling draws its windows at random: the same seed gives the same result.
torch::manual_seed 3
set x [torch::randn -shape {1 1 6 6}]
torch::manual_seed 10
set a [torch::fractional_maxpool2d $x {2 2}]
torch::manual_seed 10
set b [torch::fractionalMaxpool2d -input $x -kernelSize {2 2} -outputRatio {0.5 0.5}]
puts "shape [torch::tensor_shape $a], same under one seed: [torch::tensor_item [torch::tensor_sum [torch::eq $a $b]]] of 9"
