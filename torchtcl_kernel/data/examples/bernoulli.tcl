# Coin flips: each element of the input is the chance of a 1 at that place.
torch::manual_seed 2
set chances [torch::tensor_create {0.0 0.25 0.75 1.0}]
puts "per-element chances: [torch::tensor_to_list [torch::bernoulli $chances]]"
# One shared chance instead: -p applies to every element (the input only gives the shape).
set mask [torch::bernoulli -input [torch::zeros {2 5}] -p 0.5]
puts "fair mask: [torch::tensor_to_list $mask]"
