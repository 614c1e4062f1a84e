# Gaussian noise shaped like the weights it perturbs.
torch::manual_seed 5
set weights [torch::ones {2 3}]
set noisy [torch::tensor_add $weights [torch::tensor_mul [torch::randn_like $weights] 0.01]]
puts "[torch::tensor_shape $noisy]"
puts [torch::tensor_print $noisy]
