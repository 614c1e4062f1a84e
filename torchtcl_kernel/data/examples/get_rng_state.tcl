# Keep the generator's state, draw, restore it: the same draws come again.
set saved [torch::get_rng_state]
set first [torch::tensor_to_list [torch::rand {3}]]
torch::set_rng_state $saved
set again [torch::tensor_to_list [torch::rand {3}]]
puts "state: [torch::tensor_dtype $saved] [torch::tensor_shape $saved]"
puts "repeated: [expr {$first eq $again}]"
