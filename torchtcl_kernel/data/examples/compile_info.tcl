# Compilation happens at the first forward pass; compile_info tells how it went.
torch::manual_seed 0
set fast [torch::compile [torch::linear 4 2] -backend eager]
puts "before: [dict get [torch::compile_info $fast] status]"
torch::layer_forward $fast [torch::randn {3 4}]
set info [torch::compile_info $fast]
puts "after: [dict get $info status] (backend [dict get $info backend], compiled [dict get $info compiled])"
