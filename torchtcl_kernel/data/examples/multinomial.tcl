# Draw category indices by weight (weights need not sum to 1).
torch::manual_seed 8
set weights [torch::tensor_create {1.0 0.0 3.0}]
puts "with replacement: [torch::tensor_to_list [torch::multinomial $weights 6]]"
puts "all, no repeats: [torch::tensor_to_list [torch::multinomial -input $weights -numSamples 2 -replacement false]]"
