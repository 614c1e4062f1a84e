# Keep the upper triangle; a causal attention mask is the part above the diagonal.
set m [torch::ones {4 4}]
puts [torch::tensor_print [torch::triu $m 1]]
