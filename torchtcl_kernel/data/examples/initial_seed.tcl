# The seed the generator last received.
torch::manual_seed 2024
puts "initial seed: [torch::initial_seed]"
