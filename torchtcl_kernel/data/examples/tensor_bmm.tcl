# Three independent (2 x 4) times (4 x 5) products in one call.
set a [torch::randn {3 2 4}]
set b [torch::randn {3 4 5}]
puts "shape [torch::tensor_shape [torch::tensor_bmm $a $b]]"
