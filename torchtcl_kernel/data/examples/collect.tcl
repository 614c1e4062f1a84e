# A handle whose name was used as text stays until it is freed. torch::collect frees those that
# nothing names any more, once this script (or notebook cell) has ended.
set t [torch::randn {1000}]
puts "made $t"                 ;# its name is now text somewhere: kept
set keep [torch::zeros {3}]
puts "kept as well: $keep"     ;# ... and still named by a variable
unset t
torch::collect
puts "alive until the end of this script: [llength [torch::handles -kind tensor]] tensors"
