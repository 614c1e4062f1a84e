# Causal attention over 4 positions: position 0 can only see itself, so it returns value row 0.
set q [torch::ones {1 4 2}]
set k [torch::ones {1 4 2}]
set v [torch::tensor_create {{{1 0} {0 1} {2 2} {4 0}}}]
set out [torch::scaled_dot_product_attention -query $q -key $k -value $v -isCausal 1]
puts [torch::tensor_print $out]
