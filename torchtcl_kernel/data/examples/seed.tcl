# A fresh seed each run; note it to repeat the run later with manual_seed.
set s [torch::seed]
set a [torch::tensor_to_list [torch::rand {2}]]
torch::manual_seed $s
set b [torch::tensor_to_list [torch::rand {2}]]
puts "seed is an integer: [string is wide $s]; replayed: [expr {$a eq $b}]"
