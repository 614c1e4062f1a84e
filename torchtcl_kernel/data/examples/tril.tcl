# Keep the lower triangle (and, with diagonal -1, only what lies strictly below the diagonal).
set m [torch::ones {3 3}]
puts [torch::tensor_print [torch::tril $m]]
puts [torch::tensor_print [torch::tril -input $m -diagonal -1]]
