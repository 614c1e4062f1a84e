# All ways to pick two of four players, then pairs where the same player may appear twice.
set players [torch::tensor_create {7 11 23 42} int64]
puts [torch::tensor_print [torch::combinations $players]]
puts [torch::tensor_shape [torch::combinations -input $players -r 2 -withReplacement 1]]
