# Restore a saved generator state to replay noise exactly.
torch::manual_seed 1
set state [torch::get_rng_state]
set noise1 [torch::tensor_to_list [torch::randn {2}]]
torch::set_rng_state -stateTensor $state
set noise2 [torch::tensor_to_list [torch::randn {2}]]
puts "$noise1 == $noise2: [expr {$noise1 eq $noise2}]"
