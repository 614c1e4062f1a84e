# A 2 x 3 tile turned a quarter turn, then a half turn.
set tile [torch::tensor_create {{1 2 3} {4 5 6}} int32]
puts [torch::tensor_print [torch::rot90 $tile]]
puts [torch::tensor_print [torch::rot90 -input $tile -k 2]]
