# A 1 x 2 pattern tiled twice down and three times across.
set pattern [torch::tensor_create {{1 0}} int32]
puts [torch::tensor_print [torch::tensor_repeat $pattern {2 3}]]
