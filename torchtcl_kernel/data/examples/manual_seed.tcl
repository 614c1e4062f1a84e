# The same seed gives the same random numbers.
torch::manual_seed 42
set first [torch::tensor_print [torch::randn {3}]]
torch::manual_seed 42
set again [torch::tensor_print [torch::randn {3}]]
puts $first
puts "identical after reseeding: [expr {$first eq $again}]"
