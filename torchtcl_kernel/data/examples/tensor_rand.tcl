# Uniform values in [0, 1), as rand makes them.
torch::manual_seed 13
set r [torch::tensor_rand {2 2} cpu float64]
puts "[torch::tensor_dtype $r] [torch::tensor_shape $r]"
puts "a scalar has the empty shape: {[torch::tensor_shape [torch::tensorRand -shape {}]]}"
